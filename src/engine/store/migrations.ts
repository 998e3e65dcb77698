import type { Migration } from '../../shared/schemaLadder.js';

/**
 * Version 1, the schema of release 0.1.0. Timestamps are epoch seconds (REAL), as the service returns
 * them on the wire. Each resource keeps its full ARN as primary key. The statements say IF NOT EXISTS
 * because 0.1.0 created these tables without recording a version: its files start at version 0 with
 * the tables already there.
 */
const RELEASE_0_1_0: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS dataset_groups (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    role_arn TEXT,
    kms_key_arn TEXT,
    domain TEXT,
    failure_reason TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS schemas (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    schema_json TEXT NOT NULL,
    domain TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS datasets (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    dataset_group_arn TEXT NOT NULL REFERENCES dataset_groups(arn),
    dataset_type TEXT NOT NULL,
    schema_arn TEXT NOT NULL REFERENCES schemas(arn),
    status TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    UNIQUE (dataset_group_arn, dataset_type)
  )`,
  `CREATE TABLE IF NOT EXISTS dataset_import_jobs (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    dataset_arn TEXT NOT NULL REFERENCES datasets(arn),
    status TEXT NOT NULL,
    data_location TEXT NOT NULL,
    role_arn TEXT,
    import_mode TEXT NOT NULL,
    publish_attribution_metrics INTEGER NOT NULL DEFAULT 0,
    failure_reason TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS dataset_import_jobs_by_dataset ON dataset_import_jobs(dataset_arn, created)`,
  `CREATE TABLE IF NOT EXISTS solutions (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    dataset_group_arn TEXT NOT NULL REFERENCES dataset_groups(arn),
    recipe_arn TEXT NOT NULL,
    event_type TEXT,
    perform_hpo INTEGER NOT NULL,
    perform_auto_ml INTEGER NOT NULL,
    perform_auto_training INTEGER NOT NULL,
    perform_incremental_update INTEGER NOT NULL,
    solution_config_json TEXT,
    status TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS solution_versions (
    arn TEXT PRIMARY KEY,
    name TEXT,
    solution_arn TEXT NOT NULL REFERENCES solutions(arn),
    status TEXT NOT NULL,
    training_mode TEXT NOT NULL,
    training_type TEXT NOT NULL DEFAULT 'MANUAL',
    failure_reason TEXT,
    training_hours REAL,
    model BLOB,
    metrics_json TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS solution_versions_by_solution ON solution_versions(solution_arn, created)`,
  `CREATE TABLE IF NOT EXISTS campaigns (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    solution_version_arn TEXT NOT NULL,
    min_provisioned_tps INTEGER NOT NULL,
    campaign_config_json TEXT,
    status TEXT NOT NULL,
    failure_reason TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    update_solution_version_arn TEXT,
    update_min_provisioned_tps INTEGER,
    update_campaign_config_json TEXT,
    update_status TEXT,
    update_failure_reason TEXT,
    update_created REAL,
    update_updated REAL
  )`,
  // Dataset data (src/engine/data/datasetStorage.ts): each import writes a new version as column
  // chunks; `dataset_current` points at the committed one. Versions still 'writing' at start-up
  // belong to an import that died and are removed.
  `CREATE TABLE IF NOT EXISTS dataset_versions (
    id INTEGER PRIMARY KEY,
    dataset_arn TEXT NOT NULL,
    import_job_arn TEXT,
    state TEXT NOT NULL,
    row_count INTEGER NOT NULL DEFAULT 0,
    columns_json TEXT NOT NULL,
    created REAL NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS dataset_chunks (
    version_id INTEGER NOT NULL,
    column_name TEXT NOT NULL,
    seq INTEGER NOT NULL,
    row_count INTEGER NOT NULL,
    data BLOB NOT NULL,
    dictionary_json TEXT,
    PRIMARY KEY (version_id, column_name, seq)
  )`,
  `CREATE TABLE IF NOT EXISTS dataset_current (
    dataset_arn TEXT PRIMARY KEY,
    version_id INTEGER NOT NULL,
    row_count INTEGER NOT NULL,
    import_job_arn TEXT NOT NULL,
    import_mode TEXT NOT NULL,
    updated REAL NOT NULL
  )`,
];

/**
 * The engine database's schema history (`engine.sqlite`), climbed at open by `openDatabase`. Append a
 * step for every change; never edit a released one.
 */
export const ENGINE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'tables of release 0.1.0',
    up: (db) => RELEASE_0_1_0.forEach((statement) => db.exec(statement)),
  },
];
