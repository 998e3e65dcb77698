import type { Migration } from '../../shared/schemaLadder.js';
import { EXECUTION_STATUSES } from './types.js';

const statuses = EXECUTION_STATUSES.map((status) => `'${status}'`).join(', ');

/**
 * Version 1, the execution store of release 0.1.0. It lives in its own file, apart from the engine's,
 * because it describes runs of a pipeline wherever they ran (local engine or AWS). Times are epoch
 * milliseconds. IF NOT EXISTS because 0.1.0 created these tables without recording a version.
 */
const RELEASE_0_1_0: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS executions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pipeline TEXT NOT NULL,
    execution_name TEXT NOT NULL,
    target TEXT NOT NULL CHECK (target IN ('local', 'aws')),
    execution_arn TEXT,
    status TEXT NOT NULL CHECK (status IN (${statuses})),
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    owner_pid INTEGER,
    owner_host TEXT,
    resumed_from INTEGER REFERENCES executions(id),
    solution_version_arn TEXT,
    metrics_json TEXT,
    previous_solution_version_arn TEXT,
    previous_metrics_json TEXT,
    error TEXT,
    cause TEXT,
    output_json TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS executions_by_pipeline ON executions (pipeline, id)`,
  `CREATE INDEX IF NOT EXISTS executions_running ON executions (status) WHERE status = 'RUNNING'`,
  `CREATE TABLE IF NOT EXISTS state_visits (
    execution_id INTEGER NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    state_name TEXT NOT NULL,
    state_type TEXT NOT NULL,
    iteration INTEGER,
    entered_at INTEGER NOT NULL,
    exited_at INTEGER,
    duration_ms INTEGER,
    outcome TEXT NOT NULL CHECK (outcome IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'CAUGHT')),
    retries INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    cause TEXT,
    PRIMARY KEY (execution_id, seq)
  )`,
];

/**
 * The execution store's schema history (`executions.sqlite`), climbed at open by
 * `openExecutionStore`. Append a step for every change; never edit a released one.
 */
export const EXECUTION_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'tables of release 0.1.0',
    up: (db) => RELEASE_0_1_0.forEach((statement) => db.exec(statement)),
  },
  {
    version: 2,
    description:
      'executions.kind: a retraining or a rollback (rollbacks recorded before are known by their name)',
    up: (db) => {
      db.exec(
        `ALTER TABLE executions ADD COLUMN kind TEXT NOT NULL DEFAULT 'retraining' CHECK (kind IN ('retraining', 'rollback'))`,
      );
      db.exec(`UPDATE executions SET kind = 'rollback' WHERE execution_name LIKE 'rollback-%'`);
    },
  },
  {
    version: 3,
    description:
      'executions.training_mode: the FULL or UPDATE training a retraining run asked for (null for rollbacks and older runs)',
    up: (db) => {
      db.exec(
        `ALTER TABLE executions ADD COLUMN training_mode TEXT CHECK (training_mode IN ('FULL', 'UPDATE'))`,
      );
    },
  },
];
