import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { s3Client } from '../../shared/s3Client.js';
import { StatesRuntimeFailure, TaskFailure, serviceTaskFailure } from './taskErrors.js';

/** The ListObjectsV2 parameters the definition passes, as Step Functions names them. */
export interface ListObjectsParameters {
  readonly Bucket: string;
  readonly Prefix?: string;
  readonly MaxKeys?: number;
}

/** One object's metadata, as Step Functions' S3 integration returns it. */
export interface ListedObject {
  readonly Key: string;
  readonly ETag: string;
  readonly Size: number;
  readonly LastModified: string;
}

export interface ListObjectsResult {
  readonly Name: string;
  readonly Prefix: string;
  readonly MaxKeys: number;
  readonly KeyCount: number;
  readonly IsTruncated: boolean;
  readonly Contents?: readonly ListedObject[];
}

/**
 * Where the local runner reads datasource metadata (the `s3:listObjectsV2` Task): the folder the
 * embedded engine maps buckets to, or an S3 API (`--s3-endpoint`, or AWS itself).
 */
export interface DatasourceObjects {
  listObjectsV2(parameters: ListObjectsParameters): Promise<ListObjectsResult>;
  close(): void;
}

/** Where datasources live for a local run, as the state dir's engine reads them. */
export type DatasourceRoot =
  | { readonly kind: 'folder'; readonly dataRoot: string }
  | { readonly kind: 's3'; readonly endpoint: string }
  | { readonly kind: 'aws'; readonly region: string };

const S3_MAX_KEYS = 1000;

export async function openDatasourceObjects(root: DatasourceRoot): Promise<DatasourceObjects> {
  if (root.kind === 'folder') return folderObjects(root.dataRoot);
  if (root.kind === 's3') return clientObjects(s3Client(root.endpoint));
  const { S3Client: Client } = await import('@aws-sdk/client-s3');
  return clientObjects(new Client({ region: root.region, maxAttempts: 1 }));
}

/** Checks the Task's parameters as Step Functions would: only these members, of these types. */
export function listObjectsParameters(input: unknown): ListObjectsParameters {
  const value = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  for (const key of Object.keys(value))
    if (!['Bucket', 'Prefix', 'MaxKeys'].includes(key))
      throw new StatesRuntimeFailure(
        `s3:listObjectsV2: the local runner passes only Bucket, Prefix and MaxKeys, not ${key}.`,
      );
  const { Bucket, Prefix, MaxKeys } = value;
  if (typeof Bucket !== 'string' || (Prefix !== undefined && typeof Prefix !== 'string'))
    throw new StatesRuntimeFailure('s3:listObjectsV2: Bucket (and Prefix) must be strings.');
  if (MaxKeys !== undefined && (typeof MaxKeys !== 'number' || !Number.isInteger(MaxKeys) || MaxKeys < 1))
    throw new StatesRuntimeFailure('s3:listObjectsV2: MaxKeys must be a positive whole number.');
  return {
    Bucket,
    ...(Prefix === undefined ? {} : { Prefix }),
    ...(MaxKeys === undefined ? {} : { MaxKeys }),
  };
}

function page(parameters: ListObjectsParameters, objects: readonly ListedObject[]): ListObjectsResult {
  const maxKeys = Math.min(parameters.MaxKeys ?? S3_MAX_KEYS, S3_MAX_KEYS);
  const contents = objects.slice(0, maxKeys);
  return {
    Name: parameters.Bucket,
    Prefix: parameters.Prefix ?? '',
    MaxKeys: maxKeys,
    KeyCount: contents.length,
    IsTruncated: objects.length > maxKeys,
    ...(contents.length > 0 ? { Contents: contents } : {}),
  };
}

/**
 * The data root answers like S3 would for bucket `<dataRoot>/<bucket>`: every regular file whose key
 * starts with the prefix, in key order. The ETag is a hash of the file's size, modification time and
 * inode, so nothing is read: a rewritten file gets a new one, a file merely read keeps it.
 */
function folderObjects(dataRoot: string): DatasourceObjects {
  return {
    listObjectsV2: (parameters) => Promise.resolve(listFolder(dataRoot, parameters)),
    close: () => undefined,
  };
}

function listFolder(dataRoot: string, parameters: ListObjectsParameters): ListObjectsResult {
  const prefix = parameters.Prefix ?? '';
  let bucketDir: string;
  try {
    bucketDir = realpathSync(join(dataRoot, parameters.Bucket));
    if (!statSync(bucketDir).isDirectory() || parameters.Bucket.includes('/')) throw new Error();
  } catch {
    throw new TaskFailure(
      'S3.NoSuchBucketException',
      `The specified bucket does not exist: no folder ${parameters.Bucket} in the data root (Service: S3, Status Code: 404)`,
    );
  }
  const start = resolve(bucketDir, prefix.slice(0, prefix.lastIndexOf('/') + 1));
  if (start !== bucketDir && !start.startsWith(`${bucketDir}${sep}`))
    throw new TaskFailure(
      'S3.AccessDeniedException',
      `Access Denied: ${prefix} leaves the bucket folder (Service: S3, Status Code: 403)`,
    );
  const objects: ListedObject[] = [];
  for (const file of filesUnder(start)) {
    const key = relative(bucketDir, file.path).split(sep).join('/');
    if (key.startsWith(prefix)) objects.push(listedFile(key, file.stats));
  }
  objects.sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
  return page(parameters, objects);
}

function filesUnder(dir: string): { path: string; stats: Stats }[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return [];
    throw serviceTaskFailure('S3', error);
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    try {
      // A symlink counts when it leads to a regular file; links to folders are not followed (loops).
      const stats = statSync(path);
      return stats.isFile() ? [{ path, stats }] : [];
    } catch {
      return [];
    }
  });
}

function listedFile(key: string, stats: Stats): ListedObject {
  const identity = `${stats.size}:${stats.mtimeMs}:${stats.ino}`;
  return {
    Key: key,
    ETag: `"${createHash('md5').update(identity).digest('hex')}"`,
    Size: stats.size,
    LastModified: stats.mtime.toISOString(),
  };
}

function clientObjects(client: S3Client): DatasourceObjects {
  return {
    async listObjectsV2(parameters) {
      try {
        const output = await client.send(new ListObjectsV2Command(parameters));
        const contents = (output.Contents ?? []).map((object) => ({
          Key: object.Key ?? '',
          ETag: object.ETag ?? '',
          Size: object.Size ?? 0,
          LastModified: object.LastModified?.toISOString() ?? '',
        }));
        return {
          Name: output.Name ?? parameters.Bucket,
          Prefix: output.Prefix ?? parameters.Prefix ?? '',
          MaxKeys: output.MaxKeys ?? parameters.MaxKeys ?? S3_MAX_KEYS,
          KeyCount: output.KeyCount ?? contents.length,
          IsTruncated: output.IsTruncated ?? false,
          ...(contents.length > 0 ? { Contents: contents } : {}),
        };
      } catch (error) {
        throw serviceTaskFailure('S3', error);
      }
    },
    close: () => client.destroy(),
  };
}
