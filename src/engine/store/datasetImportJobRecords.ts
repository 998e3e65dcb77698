import type { EngineDatabase } from './database.js';

export type ImportMode = 'FULL' | 'INCREMENTAL';
export type ImportJobStatus = 'CREATE PENDING' | 'CREATE IN_PROGRESS' | 'ACTIVE' | 'CREATE FAILED';

/** A dataset import job as stored: the service's fields. */
export interface ImportJobRecord {
  readonly arn: string;
  readonly name: string;
  readonly datasetArn: string;
  readonly status: ImportJobStatus;
  readonly dataLocation: string;
  readonly roleArn: string | null;
  readonly importMode: ImportMode;
  readonly publishAttributionMetricsToS3: boolean;
  readonly failureReason: string | null;
  readonly created: number;
  readonly updated: number;
}

interface ImportJobRow {
  arn: string;
  name: string;
  dataset_arn: string;
  status: ImportJobStatus;
  data_location: string;
  role_arn: string | null;
  import_mode: ImportMode;
  publish_attribution_metrics: number;
  failure_reason: string | null;
  created: number;
  updated: number;
}

function fromRow(row: ImportJobRow): ImportJobRecord {
  return {
    arn: row.arn,
    name: row.name,
    datasetArn: row.dataset_arn,
    status: row.status,
    dataLocation: row.data_location,
    roleArn: row.role_arn,
    importMode: row.import_mode,
    publishAttributionMetricsToS3: row.publish_attribution_metrics === 1,
    failureReason: row.failure_reason,
    created: row.created,
    updated: row.updated,
  };
}

export function insertImportJob(db: EngineDatabase, job: ImportJobRecord): void {
  db.prepare(
    `INSERT INTO dataset_import_jobs (arn, name, dataset_arn, status, data_location, role_arn, import_mode,
       publish_attribution_metrics, failure_reason, created, updated)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    job.arn,
    job.name,
    job.datasetArn,
    job.status,
    job.dataLocation,
    job.roleArn,
    job.importMode,
    job.publishAttributionMetricsToS3 ? 1 : 0,
    job.failureReason,
    job.created,
    job.updated,
  );
}

export function findImportJob(db: EngineDatabase, arn: string): ImportJobRecord | undefined {
  const row = db.prepare('SELECT * FROM dataset_import_jobs WHERE arn = ?').get(arn) as
    ImportJobRow | undefined;
  return row ? fromRow(row) : undefined;
}

/** Every import job, or those of one dataset; oldest first. */
export function listImportJobs(db: EngineDatabase, datasetArn?: string): ImportJobRecord[] {
  const rows = (
    datasetArn === undefined
      ? db.prepare('SELECT * FROM dataset_import_jobs ORDER BY created, name').all()
      : db
          .prepare('SELECT * FROM dataset_import_jobs WHERE dataset_arn = ? ORDER BY created, name')
          .all(datasetArn)
  ) as ImportJobRow[];
  return rows.map(fromRow);
}

export function setImportJobStatus(
  db: EngineDatabase,
  arn: string,
  status: ImportJobStatus,
  now: number,
  failureReason: string | null = null,
): void {
  db.prepare('UPDATE dataset_import_jobs SET status = ?, failure_reason = ?, updated = ? WHERE arn = ?').run(
    status,
    failureReason,
    now,
    arn,
  );
}

/** A FULL import that succeeded or may still succeed: what the service requires before INCREMENTAL. */
export function hasBulkImport(db: EngineDatabase, datasetArn: string): boolean {
  return (
    db
      .prepare(
        `SELECT 1 FROM dataset_import_jobs WHERE dataset_arn = ? AND import_mode = 'FULL'
         AND status IN ('ACTIVE', 'CREATE PENDING', 'CREATE IN_PROGRESS') LIMIT 1`,
      )
      .get(datasetArn) !== undefined
  );
}
