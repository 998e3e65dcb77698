import type { EngineDatabase } from './database.js';

export type SolutionVersionStatus =
  'CREATE PENDING' | 'CREATE IN_PROGRESS' | 'ACTIVE' | 'CREATE FAILED' | 'CREATE STOPPING' | 'CREATE STOPPED';

export interface SolutionVersionRecord {
  readonly arn: string;
  readonly name: string | null;
  readonly solutionArn: string;
  readonly status: SolutionVersionStatus;
  readonly trainingMode: 'FULL' | 'UPDATE';
  readonly trainingType: 'MANUAL' | 'AUTOMATIC';
  readonly failureReason: string | null;
  readonly trainingHours: number | null;
  readonly metrics: Record<string, number> | null;
  readonly created: number;
  readonly updated: number;
}

interface Row {
  arn: string;
  name: string | null;
  solution_arn: string;
  status: SolutionVersionStatus;
  training_mode: 'FULL' | 'UPDATE';
  training_type: 'MANUAL' | 'AUTOMATIC';
  failure_reason: string | null;
  training_hours: number | null;
  metrics_json: string | null;
  created: number;
  updated: number;
}

const COLUMNS = `arn, name, solution_arn, status, training_mode, training_type, failure_reason, training_hours,
  metrics_json, created, updated`;

function fromRow(row: Row): SolutionVersionRecord {
  return {
    arn: row.arn,
    name: row.name,
    solutionArn: row.solution_arn,
    status: row.status,
    trainingMode: row.training_mode,
    trainingType: row.training_type,
    failureReason: row.failure_reason,
    trainingHours: row.training_hours,
    metrics: row.metrics_json ? (JSON.parse(row.metrics_json) as Record<string, number>) : null,
    created: row.created,
    updated: row.updated,
  };
}

export function insertSolutionVersion(db: EngineDatabase, record: SolutionVersionRecord): void {
  db.prepare(`INSERT INTO solution_versions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    record.arn,
    record.name,
    record.solutionArn,
    record.status,
    record.trainingMode,
    record.trainingType,
    record.failureReason,
    record.trainingHours,
    record.metrics ? JSON.stringify(record.metrics) : null,
    record.created,
    record.updated,
  );
}

export function findSolutionVersion(db: EngineDatabase, arn: string): SolutionVersionRecord | undefined {
  const row = db.prepare(`SELECT ${COLUMNS} FROM solution_versions WHERE arn = ?`).get(arn) as
    Row | undefined;
  return row ? fromRow(row) : undefined;
}

export function findSolutionVersionByName(
  db: EngineDatabase,
  solutionArn: string,
  name: string,
): SolutionVersionRecord | undefined {
  const row = db
    .prepare(`SELECT ${COLUMNS} FROM solution_versions WHERE solution_arn = ? AND name = ?`)
    .get(solutionArn, name) as Row | undefined;
  return row ? fromRow(row) : undefined;
}

/** Newest first, as the service lists them. */
export function listSolutionVersions(db: EngineDatabase, solutionArn?: string): SolutionVersionRecord[] {
  const rows = (
    solutionArn
      ? db
          .prepare(
            `SELECT ${COLUMNS} FROM solution_versions WHERE solution_arn = ? ORDER BY created DESC, rowid DESC`,
          )
          .all(solutionArn)
      : db.prepare(`SELECT ${COLUMNS} FROM solution_versions ORDER BY created DESC, rowid DESC`).all()
  ) as Row[];
  return rows.map(fromRow);
}

export function updateSolutionVersionStatus(
  db: EngineDatabase,
  arn: string,
  status: SolutionVersionStatus,
  now: number,
  failureReason: string | null = null,
): void {
  db.prepare('UPDATE solution_versions SET status = ?, failure_reason = ?, updated = ? WHERE arn = ?').run(
    status,
    failureReason,
    now,
    arn,
  );
}

/**
 * Moves a version to `status` only if it is in one of the `from` statuses, so that a training and a
 * stop request racing each other cannot undo one another. Returns whether it moved.
 */
export function transitionSolutionVersion(
  db: EngineDatabase,
  arn: string,
  from: readonly SolutionVersionStatus[],
  status: SolutionVersionStatus,
  now: number,
  failureReason: string | null = null,
): boolean {
  const result = db
    .prepare(
      `UPDATE solution_versions SET status = ?, failure_reason = ?, updated = ?
       WHERE arn = ? AND status IN (${from.map(() => '?').join(', ')})`,
    )
    .run(status, failureReason, now, arn, ...from);
  return result.changes > 0;
}

/** Versions of any solution still training: what the service's account quota counts. */
export function countSolutionVersionsInProgress(db: EngineDatabase): number {
  return (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM solution_versions
         WHERE status IN ('CREATE PENDING', 'CREATE IN_PROGRESS', 'CREATE STOPPING')`,
      )
      .get() as { n: number }
  ).n;
}

/**
 * Stores the trained model and marks the version ACTIVE in one statement, unless a stop request got
 * there first (the version is then no longer CREATE IN_PROGRESS). Returns whether it became ACTIVE.
 */
export function completeSolutionVersion(
  db: EngineDatabase,
  arn: string,
  model: Buffer,
  metrics: Record<string, number> | null,
  trainingHours: number,
  now: number,
): boolean {
  const result = db
    .prepare(
      `UPDATE solution_versions SET status = 'ACTIVE', model = ?, metrics_json = ?, training_hours = ?, updated = ?,
         failure_reason = NULL WHERE arn = ? AND status = 'CREATE IN_PROGRESS'`,
    )
    .run(model, metrics ? JSON.stringify(metrics) : null, trainingHours, now, arn);
  return result.changes > 0;
}

export function readSolutionVersionModel(db: EngineDatabase, arn: string): Buffer | undefined {
  const row = db.prepare('SELECT model FROM solution_versions WHERE arn = ?').get(arn) as
    { model: Buffer | null } | undefined;
  return row?.model ?? undefined;
}
