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
