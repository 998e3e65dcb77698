import { closeSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { DatasourceResolver } from '../context.js';
import { ImportError } from './importErrors.js';
import { s3Uri } from './s3Location.js';

/** An object being written; nobody sees it until `commit`, and `abort` leaves nothing behind. */
export interface DataDestination {
  readonly uri: string;
  write(text: string): void;
  commit(): Promise<void>;
  abort(): void;
}

/**
 * Opens `key` in `bucket` for writing through the same datasources the engine reads from: the
 * folder `<dataRoot>/<bucket>` (nothing outside it), or PutObject on the S3 endpoint.
 */
export function openDataDestination(
  bucket: string,
  key: string,
  datasources: DatasourceResolver,
): DataDestination {
  const uri = s3Uri(bucket, key);
  if (datasources.kind === 's3') return s3Destination(uri, bucket, key, datasources.endpoint);
  return folderDestination(uri, bucket, key, datasources.dataRoot);
}

function folderDestination(uri: string, bucket: string, key: string, dataRoot: string): DataDestination {
  const root = realpathSync(dataRoot);
  const bucketDir = join(root, bucket);
  const target = resolve(bucketDir, key.replace(/^\/+/, ''));
  if (!target.startsWith(bucketDir + sep)) {
    throw new ImportError(
      `${uri} resolves outside the engine's data root; keys may not climb out of their bucket folder.`,
    );
  }
  mkdirSync(dirname(target), { recursive: true });
  if (!realpathSync(dirname(target)).startsWith(root + sep)) {
    throw new ImportError(`${uri} resolves outside the engine's data root (a symlink); write elsewhere.`);
  }
  const partial = `${target}.partial-${process.pid}`;
  const fd = openSync(partial, 'w');
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    uri,
    write(text) {
      writeSync(fd, text);
    },
    commit() {
      close();
      renameSync(partial, target);
      return Promise.resolve();
    },
    abort() {
      close();
      rmSync(partial, { force: true });
    },
  };
}

function s3Destination(uri: string, bucket: string, key: string, endpoint: string): DataDestination {
  // PutObject needs the whole body; output objects are bounded by their input's size.
  const parts: string[] = [];
  return {
    uri,
    write(text) {
      parts.push(text);
    },
    async commit() {
      const { PutObjectCommand } = await import('@aws-sdk/client-s3');
      const { s3Client } = await import('../../shared/s3Client.js');
      const client = s3Client(endpoint);
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: parts.join(''),
            ContentType: 'application/json',
          }),
        );
      } catch (error) {
        throw new ImportError(`Writing ${uri} to the S3 endpoint failed: ${(error as Error).message}`);
      } finally {
        client.destroy();
      }
    },
    abort() {
      parts.length = 0;
    },
  };
}
