/**
 * Table definitions, applied idempotently at open. Timestamps are epoch seconds (REAL), as the
 * service returns them on the wire. Each resource keeps its full ARN as primary key.
 */
export const SCHEMA_STATEMENTS: readonly string[] = [
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
];
