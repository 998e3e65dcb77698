import { closeSync, openSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { DatasourceResolver } from '../context.js';
import { ImportError } from './importErrors.js';
import { parseS3Location, s3Uri, type S3Location } from './s3Location.js';

/** One CSV object to import, read as a stream of byte chunks. */
export interface DataObject {
  readonly uri: string;
  read(): AsyncIterable<Buffer>;
}

/** The objects of one import; `close` releases what reading them needs (an S3 client's sockets). */
export interface DataObjects {
  readonly objects: readonly DataObject[];
  close(): void;
}

/** Which objects under a prefix belong to a job: CSV files for imports, JSON lines for batch inference. */
export interface ObjectKind {
  /** Lower-case key endings the job reads. */
  readonly suffixes: readonly string[];
  /** How the objects are called in messages ("CSV", "JSON"). */
  readonly noun: string;
}

export const CSV_OBJECTS: ObjectKind = { suffixes: ['.csv'], noun: 'CSV' };

export function isObjectOfKind(key: string, kind: ObjectKind): boolean {
  const lower = key.toLowerCase();
  return kind.suffixes.some((suffix) => lower.endsWith(suffix));
}

export function noObjectsError(uri: string, kind: ObjectKind): ImportError {
  return new ImportError(
    `No ${kind.suffixes.join(' or ')} objects under ${uri}; put the ${kind.noun} files there or name one object.`,
  );
}

/** Large reads keep per-chunk overhead small; the parser only ever holds the unfinished last line. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * The objects behind a `dataLocation`, in key order. With a folder data root, bucket `b` is the
 * folder `<dataRoot>/b` and nothing may resolve outside it (`..`, absolute keys, symlinks); with an
 * S3 endpoint, objects are listed and read through the S3 API.
 */
export async function resolveDataLocation(
  dataLocation: string,
  datasources: DatasourceResolver,
  kind: ObjectKind = CSV_OBJECTS,
): Promise<DataObjects> {
  const location = parseS3Location(dataLocation);
  if (!location) {
    throw new ImportError(
      `${dataLocation} is not an S3 location; use s3://bucket/key.csv or s3://bucket/prefix/`,
    );
  }
  if (datasources.kind === 's3') {
    const { resolveS3Objects } = await import('./s3Objects.js');
    return resolveS3Objects(location, datasources.endpoint, kind);
  }
  return { objects: resolveFolderObjects(location, datasources.dataRoot, kind), close: () => undefined };
}

export function resolveFolderObjects(
  location: S3Location,
  dataRoot: string,
  kind: ObjectKind = CSV_OBJECTS,
): DataObject[] {
  const root = realpathSync(dataRoot);
  const bucketDir = join(root, location.bucket);
  const uri = s3Uri(location.bucket, location.key);
  const target = resolve(bucketDir, location.key.replace(/^\/+/, ''));
  if (!isInside(bucketDir, target) && target !== bucketDir) throw outsideRoot(uri);
  if (location.isPrefix) {
    const files = listFiles(bucketDir, target, uri, kind);
    if (files.length === 0) throw noObjectsError(uri, kind);
    return files.map((file) =>
      folderObject(s3Uri(location.bucket, relative(bucketDir, file).split(sep).join('/')), file, root),
    );
  }
  return [folderObject(uri, target, root)];
}

function folderObject(uri: string, path: string, root: string): DataObject {
  return {
    uri,
    async *read() {
      const fd = openInsideRoot(uri, path, root);
      try {
        for (;;) {
          const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
          const bytes = readSync(fd, buffer, 0, READ_CHUNK_BYTES, null);
          if (bytes === 0) return;
          yield bytes === READ_CHUNK_BYTES ? buffer : buffer.subarray(0, bytes);
        }
      } finally {
        closeSync(fd);
      }
    },
  };
}

/** Follows symlinks first, so a link pointing out of the data root is refused like `..` is. */
function openInsideRoot(uri: string, path: string, root: string): number {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ImportError(`Object ${uri} does not exist (looked for ${path}); check the bucket and key.`);
    }
    throw error;
  }
  if (!isInside(root, real)) throw outsideRoot(uri);
  if (statSync(real).isDirectory()) {
    throw new ImportError(`${uri} is a folder; end the location with / to import every CSV under it.`);
  }
  return openSync(real, 'r');
}

function listFiles(bucketDir: string, dir: string, uri: string, kind: ObjectKind): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new ImportError(`${uri} names an object, not a prefix; remove the trailing /.`);
    }
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(bucketDir, path, uri, kind));
    else if (isObjectOfKind(entry.name, kind)) files.push(path);
  }
  // S3 lists keys in UTF-8 binary order; plain string order matches it for the keys people use.
  return files.sort();
}

function isInside(parent: string, child: string): boolean {
  return child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function outsideRoot(uri: string): ImportError {
  return new ImportError(
    `${uri} resolves outside the engine's data root; keys may not climb out of their bucket folder (.., absolute paths or symlinks).`,
  );
}
