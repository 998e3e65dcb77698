import { S3Client } from '@aws-sdk/client-s3';

/**
 * A client of an S3-compatible endpoint (path-style addressing, as local S3 servers expect), for
 * `--s3-endpoint`. Credentials come from the usual environment variables when set; local servers
 * accept any.
 */
export function s3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: process.env['AWS_REGION'] ?? 'us-east-1',
    credentials: {
      accessKeyId: process.env['AWS_ACCESS_KEY_ID'] ?? 'S3RVER',
      secretAccessKey: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'S3RVER',
    },
    maxAttempts: 2,
  });
}
