import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { s3Client } from '../../shared/s3Client.js';
import type { Readable } from 'node:stream';
import {
  isObjectOfKind,
  noObjectsError,
  type DataObject,
  type DataObjects,
  type ObjectKind,
} from './datasources.js';
import { ImportError } from './importErrors.js';
import { s3Uri, type S3Location } from './s3Location.js';

/** Objects read through the S3 API from an S3-compatible endpoint (see `s3Client`). */
export async function resolveS3Objects(
  location: S3Location,
  endpoint: string,
  kind: ObjectKind,
): Promise<DataObjects> {
  const client = s3Client(endpoint);
  try {
    const keys = location.isPrefix ? await listKeys(client, location, kind) : [location.key];
    if (keys.length === 0) throw noObjectsError(s3Uri(location.bucket, location.key), kind);
    return {
      objects: keys.map((key) => s3Object(client, location.bucket, key)),
      close: () => client.destroy(),
    };
  } catch (error) {
    client.destroy();
    throw error;
  }
}

async function listKeys(client: S3Client, location: S3Location, kind: ObjectKind): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await send(
      () =>
        client.send(
          new ListObjectsV2Command({
            Bucket: location.bucket,
            Prefix: location.key,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      s3Uri(location.bucket, location.key),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined && isObjectOfKind(object.Key, kind)) keys.push(object.Key);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

function s3Object(client: S3Client, bucket: string, key: string): DataObject {
  const uri = s3Uri(bucket, key);
  return {
    uri,
    async *read() {
      const response = await send(() => client.send(new GetObjectCommand({ Bucket: bucket, Key: key })), uri);
      for await (const chunk of response.Body as Readable) yield chunk as Buffer;
    },
  };
}

async function send<T>(call: () => Promise<T>, uri: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NotFound') {
      throw new ImportError(`Object ${uri} does not exist; check the bucket and key.`);
    }
    if (name === 'NoSuchBucket') throw new ImportError(`The bucket of ${uri} does not exist.`);
    throw new ImportError(`Reading ${uri} from the S3 endpoint failed: ${(error as Error).message}`);
  }
}
