import type { EngineDatabase } from './database.js';

export type BatchInferenceJobStatus = 'CREATE PENDING' | 'CREATE IN_PROGRESS' | 'ACTIVE' | 'CREATE FAILED';

/** A batch inference job as stored: the service's fields. */
export interface BatchInferenceJobRecord {
  readonly arn: string;
  readonly name: string;
  readonly solutionVersionArn: string;
  readonly filterArn: string | null;
  readonly numResults: number;
  readonly inputPath: string;
  readonly outputPath: string;
  readonly roleArn: string;
  readonly config: Record<string, unknown> | null;
  readonly status: BatchInferenceJobStatus;
  readonly failureReason: string | null;
  readonly created: number;
  readonly updated: number;
}

interface Row {
  arn: string;
  name: string;
  solution_version_arn: string;
  filter_arn: string | null;
  num_results: number;
  input_path: string;
  output_path: string;
  role_arn: string;
  config_json: string | null;
  status: BatchInferenceJobStatus;
  failure_reason: string | null;
  created: number;
  updated: number;
}

const COLUMNS = `arn, name, solution_version_arn, filter_arn, num_results, input_path, output_path, role_arn,
  config_json, status, failure_reason, created, updated`;

function fromRow(row: Row): BatchInferenceJobRecord {
  return {
    arn: row.arn,
    name: row.name,
    solutionVersionArn: row.solution_version_arn,
    filterArn: row.filter_arn,
    numResults: row.num_results,
    inputPath: row.input_path,
    outputPath: row.output_path,
    roleArn: row.role_arn,
    config: row.config_json ? (JSON.parse(row.config_json) as Record<string, unknown>) : null,
    status: row.status,
    failureReason: row.failure_reason,
    created: row.created,
    updated: row.updated,
  };
}

export function insertBatchInferenceJob(db: EngineDatabase, job: BatchInferenceJobRecord): void {
  db.prepare(
    `INSERT INTO batch_inference_jobs (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    job.arn,
    job.name,
    job.solutionVersionArn,
    job.filterArn,
    job.numResults,
    job.inputPath,
    job.outputPath,
    job.roleArn,
    job.config ? JSON.stringify(job.config) : null,
    job.status,
    job.failureReason,
    job.created,
    job.updated,
  );
}

export function findBatchInferenceJob(db: EngineDatabase, arn: string): BatchInferenceJobRecord | undefined {
  const row = db.prepare(`SELECT ${COLUMNS} FROM batch_inference_jobs WHERE arn = ?`).get(arn) as
    Row | undefined;
  return row ? fromRow(row) : undefined;
}

/** Every batch inference job, or those of one solution version; oldest first, as the engine lists everything but versions. */
export function listBatchInferenceJobs(
  db: EngineDatabase,
  solutionVersionArn?: string,
): BatchInferenceJobRecord[] {
  const rows = (
    solutionVersionArn === undefined
      ? db.prepare(`SELECT ${COLUMNS} FROM batch_inference_jobs ORDER BY created, rowid`).all()
      : db
          .prepare(
            `SELECT ${COLUMNS} FROM batch_inference_jobs WHERE solution_version_arn = ? ORDER BY created, rowid`,
          )
          .all(solutionVersionArn)
  ) as Row[];
  return rows.map(fromRow);
}

export function setBatchInferenceJobStatus(
  db: EngineDatabase,
  arn: string,
  status: BatchInferenceJobStatus,
  now: number,
  failureReason: string | null = null,
): void {
  db.prepare('UPDATE batch_inference_jobs SET status = ?, failure_reason = ?, updated = ? WHERE arn = ?').run(
    status,
    failureReason,
    now,
    arn,
  );
}

/** Jobs cut short by a crash can never finish: failed at start-up, as the service would. */
export function failInterruptedBatchInferenceJobs(db: EngineDatabase, now: number): void {
  db.prepare(
    `UPDATE batch_inference_jobs SET status = 'CREATE FAILED', failure_reason = 'interrupted', updated = ?
     WHERE status IN ('CREATE PENDING', 'CREATE IN_PROGRESS')`,
  ).run(now);
}
