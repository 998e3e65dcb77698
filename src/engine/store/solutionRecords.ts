import type { EngineDatabase } from './database.js';

/** A solution as stored: the service's fields, with its configuration kept as JSON. */
export interface SolutionRecord {
  readonly arn: string;
  readonly name: string;
  readonly datasetGroupArn: string;
  readonly recipeArn: string;
  readonly eventType: string | null;
  readonly performHPO: boolean;
  readonly performAutoML: boolean;
  readonly performAutoTraining: boolean;
  readonly performIncrementalUpdate: boolean;
  readonly solutionConfig: Record<string, unknown> | null;
  /** UpdateSolution's last change, in the service's SolutionUpdateSummary shape. */
  readonly latestUpdate?: Record<string, unknown> | null;
  readonly status: string;
  readonly created: number;
  readonly updated: number;
}

interface SolutionRow {
  arn: string;
  name: string;
  dataset_group_arn: string;
  recipe_arn: string;
  event_type: string | null;
  perform_hpo: number;
  perform_auto_ml: number;
  perform_auto_training: number;
  perform_incremental_update: number;
  solution_config_json: string | null;
  latest_update_json?: string | null;
  status: string;
  created: number;
  updated: number;
}

function fromRow(row: SolutionRow): SolutionRecord {
  return {
    arn: row.arn,
    name: row.name,
    datasetGroupArn: row.dataset_group_arn,
    recipeArn: row.recipe_arn,
    eventType: row.event_type,
    performHPO: row.perform_hpo === 1,
    performAutoML: row.perform_auto_ml === 1,
    performAutoTraining: row.perform_auto_training === 1,
    performIncrementalUpdate: row.perform_incremental_update === 1,
    solutionConfig: row.solution_config_json
      ? (JSON.parse(row.solution_config_json) as Record<string, unknown>)
      : null,
    latestUpdate: row.latest_update_json
      ? (JSON.parse(row.latest_update_json) as Record<string, unknown>)
      : null,
    status: row.status,
    created: row.created,
    updated: row.updated,
  };
}

export function insertSolution(db: EngineDatabase, record: SolutionRecord): void {
  db.prepare(
    `INSERT INTO solutions (arn, name, dataset_group_arn, recipe_arn, event_type, perform_hpo, perform_auto_ml,
       perform_auto_training, perform_incremental_update, solution_config_json, status, created, updated)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    record.arn,
    record.name,
    record.datasetGroupArn,
    record.recipeArn,
    record.eventType,
    Number(record.performHPO),
    Number(record.performAutoML),
    Number(record.performAutoTraining),
    Number(record.performIncrementalUpdate),
    record.solutionConfig ? JSON.stringify(record.solutionConfig) : null,
    record.status,
    record.created,
    record.updated,
  );
}

export function findSolution(db: EngineDatabase, arn: string): SolutionRecord | undefined {
  const row = db.prepare('SELECT * FROM solutions WHERE arn = ?').get(arn) as SolutionRow | undefined;
  return row ? fromRow(row) : undefined;
}

export function listSolutions(db: EngineDatabase, datasetGroupArn?: string): SolutionRecord[] {
  const rows = (
    datasetGroupArn
      ? db
          .prepare('SELECT * FROM solutions WHERE dataset_group_arn = ? ORDER BY created, name')
          .all(datasetGroupArn)
      : db.prepare('SELECT * FROM solutions ORDER BY created, name').all()
  ) as SolutionRow[];
  return rows.map(fromRow);
}

export function countSolutions(db: EngineDatabase, datasetGroupArn: string): number {
  return (
    db.prepare('SELECT COUNT(*) AS n FROM solutions WHERE dataset_group_arn = ?').get(datasetGroupArn) as {
      n: number;
    }
  ).n;
}

/** Deletes a solution with all its versions (and their models), as the service does. */
export function deleteSolution(db: EngineDatabase, arn: string): void {
  db.transaction(() => {
    db.prepare('DELETE FROM solution_versions WHERE solution_arn = ?').run(arn);
    db.prepare('DELETE FROM solutions WHERE arn = ?').run(arn);
  }).immediate();
}

/** A solution whose versions are training or deployed cannot go, as in the service. */
export function solutionIsInUse(db: EngineDatabase, solutionArn: string): boolean {
  const training = db
    .prepare(
      `SELECT 1 FROM solution_versions
       WHERE solution_arn = ? AND status IN ('CREATE PENDING', 'CREATE IN_PROGRESS', 'CREATE STOPPING')`,
    )
    .get(solutionArn);
  const deployed = db
    .prepare(
      `SELECT 1 FROM campaigns c JOIN solution_versions v ON v.arn IN (c.solution_version_arn, c.update_solution_version_arn)
       WHERE v.solution_arn = ?`,
    )
    .get(solutionArn);
  return Boolean(training ?? deployed);
}

/** UpdateSolution: the new settings and the update's summary change together. */
export function updateSolution(
  db: EngineDatabase,
  arn: string,
  update: {
    readonly performAutoTraining: boolean;
    readonly performIncrementalUpdate: boolean;
    readonly solutionConfig: Record<string, unknown> | null;
    readonly latestUpdate: Record<string, unknown>;
    readonly now: number;
  },
): void {
  db.prepare(
    `UPDATE solutions SET perform_auto_training = ?, perform_incremental_update = ?, solution_config_json = ?,
       latest_update_json = ?, updated = ? WHERE arn = ?`,
  ).run(
    Number(update.performAutoTraining),
    Number(update.performIncrementalUpdate),
    update.solutionConfig ? JSON.stringify(update.solutionConfig) : null,
    JSON.stringify(update.latestUpdate),
    update.now,
    arn,
  );
}
