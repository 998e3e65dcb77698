import type { DatasetType } from '../data/schemaRules.js';
import type { EngineDatabase } from './database.js';
import { noteBulkDataChange } from './datasetGroupContents.js';

/** A dataset as stored. Its data lives elsewhere (the importer's tables); this is the resource. */
export interface DatasetRecord {
  readonly arn: string;
  readonly name: string;
  readonly datasetGroupArn: string;
  readonly datasetType: DatasetType;
  readonly schemaArn: string;
  readonly status: string;
  readonly created: number;
  readonly updated: number;
}

interface DatasetRow {
  arn: string;
  name: string;
  dataset_group_arn: string;
  dataset_type: DatasetType;
  schema_arn: string;
  status: string;
  created: number;
  updated: number;
}

function fromRow(row: DatasetRow): DatasetRecord {
  return {
    arn: row.arn,
    name: row.name,
    datasetGroupArn: row.dataset_group_arn,
    datasetType: row.dataset_type,
    schemaArn: row.schema_arn,
    status: row.status,
    created: row.created,
    updated: row.updated,
  };
}

export function insertDataset(db: EngineDatabase, record: DatasetRecord): void {
  noteBulkDataChange(db);
  db.prepare(
    `INSERT INTO datasets (arn, name, dataset_group_arn, dataset_type, schema_arn, status, created, updated)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    record.arn,
    record.name,
    record.datasetGroupArn,
    record.datasetType,
    record.schemaArn,
    record.status,
    record.created,
    record.updated,
  );
}

export function findDataset(db: EngineDatabase, arn: string): DatasetRecord | undefined {
  const row = db.prepare('SELECT * FROM datasets WHERE arn = ?').get(arn) as DatasetRow | undefined;
  return row ? fromRow(row) : undefined;
}

/** Every dataset, or those of one dataset group; oldest first. */
export function listDatasets(db: EngineDatabase, datasetGroupArn?: string): DatasetRecord[] {
  const rows = (
    datasetGroupArn === undefined
      ? db.prepare('SELECT * FROM datasets ORDER BY created, name').all()
      : db
          .prepare('SELECT * FROM datasets WHERE dataset_group_arn = ? ORDER BY created, name')
          .all(datasetGroupArn)
  ) as DatasetRow[];
  return rows.map(fromRow);
}

export function countDatasetsUsingSchema(db: EngineDatabase, schemaArn: string): number {
  return (
    db.prepare('SELECT COUNT(*) AS n FROM datasets WHERE schema_arn = ?').get(schemaArn) as { n: number }
  ).n;
}

/** Removes the dataset with its import job history, which the service deletes along with it. */
export function deleteDataset(db: EngineDatabase, arn: string): void {
  noteBulkDataChange(db);
  db.transaction(() => {
    db.prepare('DELETE FROM dataset_import_jobs WHERE dataset_arn = ?').run(arn);
    db.prepare('DELETE FROM datasets WHERE arn = ?').run(arn);
  }).immediate();
}

/** The service refuses to delete a dataset an import job or a training is still reading: names that work. */
export function busyWorkOnDataset(db: EngineDatabase, dataset: DatasetRecord): string | undefined {
  const job = db
    .prepare(
      `SELECT arn FROM dataset_import_jobs
       WHERE dataset_arn = ? AND status IN ('CREATE PENDING', 'CREATE IN_PROGRESS') LIMIT 1`,
    )
    .get(dataset.arn) as { arn: string } | undefined;
  if (job) return `dataset import job ${job.arn}`;
  const version = db
    .prepare(
      `SELECT v.arn FROM solution_versions v JOIN solutions s ON s.arn = v.solution_arn
       WHERE s.dataset_group_arn = ? AND v.status IN ('CREATE PENDING', 'CREATE IN_PROGRESS') LIMIT 1`,
    )
    .get(dataset.datasetGroupArn) as { arn: string } | undefined;
  return version ? `solution version ${version.arn}` : undefined;
}
