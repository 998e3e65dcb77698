/** `s3://bucket/key` split; a key that is empty or ends with `/` is a prefix (every CSV under it). */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
  readonly isPrefix: boolean;
}

/** S3's bucket naming rules: 3 to 63 lowercase letters, digits, dots and hyphens, alphanumeric at both ends. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Returns the location, or undefined if `dataLocation` is not an S3 URI the service would take. */
export function parseS3Location(dataLocation: string): S3Location | undefined {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(dataLocation);
  if (!match) return undefined;
  const bucket = match[1] ?? '';
  const key = match[2] ?? '';
  if (!BUCKET.test(bucket)) return undefined;
  return { bucket, key, isPrefix: key === '' || key.endsWith('/') };
}

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
