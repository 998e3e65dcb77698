import { fieldsOf, type SchemaField } from '../data/schemaFields.js';
import { cachedStatement, type EngineDatabase } from './database.js';

export type GroupDatasetType = 'INTERACTIONS' | 'ITEMS' | 'USERS';

/** A dataset of a group with the fields its schema declares. */
export interface GroupDataset {
  readonly arn: string;
  readonly type: string;
  readonly fields: readonly SchemaField[];
}

/** The group's datasets by type (upper case), with their schema fields. */
export function groupDatasets(db: EngineDatabase, datasetGroupArn: string): Map<string, GroupDataset> {
  const rows = db
    .prepare(
      `SELECT d.arn, d.dataset_type, s.schema_json FROM datasets d JOIN schemas s ON s.arn = d.schema_arn
       WHERE d.dataset_group_arn = ?`,
    )
    .all(datasetGroupArn) as { arn: string; dataset_type: string; schema_json: string }[];
  return new Map(
    rows.map((row) => {
      const type = row.dataset_type.toUpperCase();
      return [type, { arn: row.arn, type, fields: fieldsOf(row.schema_json) }];
    }),
  );
}

/**
 * What can change a group's bulk data stamp, per connection: this connection's writes to datasets
 * and their current versions (counted by the functions that make them), and commits by another
 * connection that this one was told to expect (an import worker's, between the engine telling it to
 * commit and hearing it did). While none is expected, an unchanged count means an unchanged stamp,
 * so the request path need not query it: that query cost a filtered request 40-170 µs at 500
 * requests/s.
 */
interface BulkDataWatch {
  generation: number;
  expectedCommits: number;
}

const watches = new WeakMap<EngineDatabase, BulkDataWatch>();

function watchOf(db: EngineDatabase): BulkDataWatch {
  let watch = watches.get(db);
  if (!watch) watches.set(db, (watch = { generation: 0, expectedCommits: 0 }));
  return watch;
}

/** This connection changed a group's datasets or a dataset's current version. */
export function noteBulkDataChange(db: EngineDatabase): void {
  watchOf(db).generation++;
}

/**
 * Another connection may commit bulk data from now until the returned function is called (at most
 * once matters; later calls do nothing).
 */
export function expectBulkDataCommit(db: EngineDatabase): () => void {
  const watch = watchOf(db);
  watch.expectedCommits++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    watch.expectedCommits--;
    watch.generation++;
  };
}

/**
 * Equal to an earlier value only if no group's bulk data stamp can have changed in between;
 * undefined while another connection may be committing, when only `bulkDataStamp` can tell. A
 * connection told of no other's commits sees its own writes only (a batch job's filter works on
 * the data as it was when the job read it).
 */
export function bulkDataGeneration(db: EngineDatabase): number | undefined {
  const watch = watchOf(db);
  return watch.expectedCommits > 0 ? undefined : watch.generation;
}

/**
 * A stamp that changes whenever the bulk data of any of the group's datasets changes (an import
 * commits a new version), so caches built from that data know when to rebuild.
 */
export function bulkDataStamp(db: EngineDatabase, datasetGroupArn: string): string {
  const row = cachedStatement(
    db,
    `SELECT group_concat(d.arn || ':' || ifnull(c.version_id, '-')) AS stamp
     FROM datasets d LEFT JOIN dataset_current c ON c.dataset_arn = d.arn WHERE d.dataset_group_arn = ?`,
  ).get(datasetGroupArn) as { stamp: string | null };
  return row.stamp ?? '';
}

/** The dataset group a campaign's model was trained in. */
export function datasetGroupOfCampaignVersion(
  db: EngineDatabase,
  solutionVersionArn: string,
): string | undefined {
  const row = db
    .prepare(
      `SELECT s.dataset_group_arn FROM solution_versions v JOIN solutions s ON s.arn = v.solution_arn WHERE v.arn = ?`,
    )
    .get(solutionVersionArn) as { dataset_group_arn: string } | undefined;
  return row?.dataset_group_arn;
}
