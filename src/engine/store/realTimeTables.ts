/**
 * Tables of tags, filters, event trackers and the records the events API adds one by one (PutEvents,
 * PutItems, PutUsers). Kept apart from bulk dataset data: a FULL import replaces bulk data only, as in
 * the service, so these rows survive it and join the bulk data wherever data is read.
 */
export const REAL_TIME_TABLES: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS resource_tags (
    resource_arn TEXT NOT NULL,
    tag_key TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (resource_arn, tag_key)
  )`,
  `CREATE TABLE IF NOT EXISTS filters (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    dataset_group_arn TEXT NOT NULL REFERENCES dataset_groups(arn),
    filter_expression TEXT NOT NULL,
    status TEXT NOT NULL,
    failure_reason TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS event_trackers (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    dataset_group_arn TEXT NOT NULL UNIQUE REFERENCES dataset_groups(arn),
    tracking_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS recorded_events (
    id INTEGER PRIMARY KEY,
    dataset_arn TEXT NOT NULL,
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    item_id TEXT,
    event_type TEXT NOT NULL,
    event_value REAL,
    timestamp REAL NOT NULL,
    event_id TEXT,
    recommendation_id TEXT,
    impression_json TEXT,
    properties_json TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS recorded_events_by_user ON recorded_events(dataset_arn, user_id, timestamp)`,
  `CREATE TABLE IF NOT EXISTS recorded_records (
    dataset_arn TEXT NOT NULL,
    record_id TEXT NOT NULL,
    properties_json TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (dataset_arn, record_id)
  )`,
];
