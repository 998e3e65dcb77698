import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  readdirSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs';
import { echo } from '../../shared/echo.js';
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

/** Large reads keep per-chunk overhead small; the parser only ever holds the unfinished last line. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * The objects behind a `dataLocation`, in key order. With a folder data root, bucket `b` is the
 * folder `<dataRoot>/b` and nothing may resolve outside it (`..`, absolute keys, symlinks into
 * other buckets or anywhere else); with an
 * S3 endpoint, objects are listed and read through the S3 API.
 */
export async function resolveDataLocation(
  dataLocation: string,
  datasources: DatasourceResolver,
): Promise<DataObjects> {
  const location = parseS3Location(dataLocation);
  if (!location) {
    throw new ImportError(
      `${dataLocation} is not an S3 location; use s3://bucket/key.csv or s3://bucket/prefix/`,
    );
  }
  if (datasources.kind === 's3') {
    const { resolveS3Objects } = await import('./s3Objects.js');
    return resolveS3Objects(location, datasources.endpoint);
  }
  return { objects: resolveFolderObjects(location, datasources.dataRoot), close: () => undefined };
}

export function resolveFolderObjects(location: S3Location, dataRoot: string): DataObject[] {
  const uri = s3Uri(location.bucket, location.key);
  if (location.key.includes('\u0000'))
    throw new ImportError(`${echo(uri)} contains a NUL character; remove it from the key.`);
  const bucketDir = join(realpathSync(dataRoot), location.bucket);
  const target = resolve(bucketDir, location.key.replace(/^\/+/, ''));
  if (!isInside(bucketDir, target) && target !== bucketDir) throw outsideBucket(uri);
  if (location.isPrefix) {
    const files = listCsvFiles(target, uri);
    if (files.length === 0) {
      throw new ImportError(`No .csv objects under ${uri}; put the CSV files there or name one object.`);
    }
    return files.map((file) =>
      folderObject(s3Uri(location.bucket, relative(bucketDir, file).split(sep).join('/')), file, bucketDir),
    );
  }
  return [folderObject(uri, target, bucketDir)];
}

function folderObject(uri: string, path: string, bucketDir: string): DataObject {
  return {
    uri,
    async *read() {
      const fd = openRegularFile(uri, path, bucketDir);
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

/**
 * Opens an object's file for reading, after following symlinks, only if it is a regular file inside
 * its own bucket folder. A link into another bucket is refused like `..` is. FIFOs, sockets and
 * devices are refused: reading one can block the worker forever. The file is opened non-blocking
 * and checked again on the descriptor, so nothing swapped in meanwhile can block the open.
 */
function openRegularFile(uri: string, path: string, bucketDir: string): number {
  let real: string;
  try {
    real = realpathSync(path);
    // The bucket folder itself may be a link (to a mounted disk, say): compare real with real.
    if (!isInside(realpathSync(bucketDir), real)) throw outsideBucket(uri);
  } catch (error) {
    throw pathError(error, uri);
  }
  const kind = fileKind(statSync(real));
  if (kind === 'folder') {
    throw new ImportError(`${uri} is a folder; end the location with / to import every CSV under it.`);
  }
  if (kind !== 'file') throw notAFile(uri, kind);
  const fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
  const opened = fileKind(fstatSync(fd));
  if (opened !== 'file') {
    closeSync(fd);
    throw notAFile(uri, opened);
  }
  return fd;
}

type FileKind = 'file' | 'folder' | 'FIFO' | 'socket' | 'device';

function fileKind(stats: Stats): FileKind {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'folder';
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isSocket()) return 'socket';
  return 'device';
}

function notAFile(uri: string, kind: FileKind): ImportError {
  return new ImportError(
    `${uri} is a ${kind}, not a regular file; the engine reads only regular files (a ${kind} could block the import forever).`,
  );
}

/**
 * Problems with the path the user asked for are the user's to fix: say which, without the engine's
 * absolute paths or anything about a refused link's target.
 */
function pathError(error: unknown, uri: string): Error {
  if (error instanceof ImportError) return error;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return new ImportError(`Object ${uri} does not exist; check the bucket and key.`);
    case 'ELOOP':
      return new ImportError(`${uri} goes through a symlink loop; fix the links under the bucket folder.`);
    case 'ENOTDIR':
      return new ImportError(`${uri} does not exist: a part of its key names an object, not a folder.`);
    case 'ENAMETOOLONG':
      return new ImportError(`The key of ${echo(uri)} is too long for the file system.`);
    case 'EACCES':
    case 'EPERM':
      return new ImportError(`The engine may not read ${uri}; check the file's permissions.`);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

function listCsvFiles(dir: string, uri: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR')
      throw new ImportError(`${uri} names an object, not a prefix; remove the trailing /.`);
    throw pathError(error, uri);
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listCsvFiles(path, uri));
    else if (entry.name.toLowerCase().endsWith('.csv')) files.push(path);
  }
  // S3 lists keys in UTF-8 binary order; plain string order matches it for the keys people use.
  return files.sort();
}

function isInside(parent: string, child: string): boolean {
  return child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function outsideBucket(uri: string): ImportError {
  return new ImportError(
    `${uri} resolves outside its bucket folder; keys may not climb out of their bucket (.., absolute paths or symlinks).`,
  );
}
