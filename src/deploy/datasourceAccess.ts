import type { PipelineConfig } from '../config/pipelineConfig.js';
import { datasourceListings } from '../pipeline/definition/unchangedDataStates.js';

/** An S3 statement of the state machine role; condition values may be lists. */
export interface DatasourceStatement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/**
 * SkipUnchangedData lists each datasource's objects (ListObjectsV2, which IAM authorizes as
 * s3:ListBucket on the bucket): one statement per bucket, limited by `s3:prefix` to exactly the
 * prefixes the definition lists. Nothing grants reading an object.
 */
export function datasourceStatements(config: PipelineConfig): DatasourceStatement[] {
  const [, partition] = config.solutionArn.split(':');
  const prefixes = new Map<string, Set<string>>();
  for (const { Bucket, Prefix } of datasourceListings(config)) {
    const set = prefixes.get(Bucket) ?? new Set<string>();
    set.add(Prefix);
    prefixes.set(Bucket, set);
  }
  return [...prefixes.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([bucket, keys], index) => ({
      sid: `ListDatasourceObjects${index + 1}`,
      actions: ['s3:ListBucket'],
      resources: [`arn:${partition}:s3:::${bucket}`],
      conditions: { StringEquals: { 's3:prefix': [...keys].sort() } },
    }));
}
