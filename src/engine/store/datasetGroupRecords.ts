import type { EngineDatabase } from './database.js';

/** A dataset group as stored, in the service's terms. */
export interface DatasetGroupRecord {
  readonly arn: string;
  readonly name: string;
  readonly status: string;
  readonly roleArn: string | null;
  readonly kmsKeyArn: string | null;
  readonly domain: string | null;
  readonly failureReason: string | null;
  readonly created: number;
  readonly updated: number;
}

interface DatasetGroupRow {
  arn: string;
  name: string;
  status: string;
  role_arn: string | null;
  kms_key_arn: string | null;
  domain: string | null;
  failure_reason: string | null;
  created: number;
  updated: number;
}

function fromRow(row: DatasetGroupRow): DatasetGroupRecord {
  return {
    arn: row.arn,
    name: row.name,
    status: row.status,
    roleArn: row.role_arn,
    kmsKeyArn: row.kms_key_arn,
    domain: row.domain,
    failureReason: row.failure_reason,
    created: row.created,
    updated: row.updated,
  };
}

export function insertDatasetGroup(db: EngineDatabase, record: DatasetGroupRecord): void {
  db.prepare(
    `INSERT INTO dataset_groups (arn, name, status, role_arn, kms_key_arn, domain, failure_reason, created, updated)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    record.arn,
    record.name,
    record.status,
    record.roleArn,
    record.kmsKeyArn,
    record.domain,
    record.failureReason,
    record.created,
    record.updated,
  );
}

export function findDatasetGroup(db: EngineDatabase, arn: string): DatasetGroupRecord | undefined {
  const row = db.prepare('SELECT * FROM dataset_groups WHERE arn = ?').get(arn) as
    DatasetGroupRow | undefined;
  return row ? fromRow(row) : undefined;
}

/** Oldest first, so that pages stay stable while new groups are added. */
export function listDatasetGroups(db: EngineDatabase): DatasetGroupRecord[] {
  const rows = db.prepare('SELECT * FROM dataset_groups ORDER BY created, name').all() as DatasetGroupRow[];
  return rows.map(fromRow);
}

export function countDatasetGroups(db: EngineDatabase): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM dataset_groups').get() as { n: number }).n;
}

export function deleteDatasetGroup(db: EngineDatabase, arn: string): void {
  db.prepare('DELETE FROM dataset_groups WHERE arn = ?').run(arn);
}

/** What keeps a dataset group from being deleted, as the service counts it. */
export function countDependents(
  db: EngineDatabase,
  datasetGroupArn: string,
): { datasets: number; solutions: number; filters: number; eventTrackers: number } {
  const count = (table: string) =>
    (
      db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE dataset_group_arn = ?`).get(datasetGroupArn) as {
        n: number;
      }
    ).n;
  return {
    datasets: count('datasets'),
    solutions: count('solutions'),
    filters: count('filters'),
    eventTrackers: count('event_trackers'),
  };
}
