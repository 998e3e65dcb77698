import { cachedStatement, type EngineDatabase } from './database.js';

/** One interaction recorded through PutEvents, as it joins the Interactions dataset's data. */
export interface RecordedEvent {
  readonly datasetArn: string;
  readonly userId: string;
  readonly sessionId: string;
  readonly itemId: string | null;
  readonly eventType: string;
  readonly eventValue: number | null;
  /** Epoch seconds (`sentAt`). */
  readonly timestamp: number;
  readonly eventId: string | null;
  readonly recommendationId: string | null;
  readonly impression: readonly string[] | null;
  /** The event's `properties` JSON object, already parsed and checked against the schema. */
  readonly properties: Readonly<Record<string, unknown>> | null;
}

interface EventRow {
  user_id: string;
  item_id: string | null;
  event_type: string;
  event_value: number | null;
  timestamp: number;
  properties_json: string | null;
}

export interface StoredEvent {
  readonly userId: string;
  readonly itemId: string | null;
  readonly eventType: string;
  readonly eventValue: number | null;
  readonly timestamp: number;
  readonly properties: Record<string, unknown> | null;
}

function eventFromRow(row: EventRow): StoredEvent {
  return {
    userId: row.user_id,
    itemId: row.item_id,
    eventType: row.event_type,
    eventValue: row.event_value,
    timestamp: row.timestamp,
    properties: row.properties_json ? (JSON.parse(row.properties_json) as Record<string, unknown>) : null,
  };
}

/** Stores a PutEvents call's events together: all or none. */
export function insertEvents(db: EngineDatabase, events: readonly RecordedEvent[]): void {
  const insert = db.prepare(
    `INSERT INTO recorded_events (dataset_arn, user_id, session_id, item_id, event_type, event_value, timestamp,
       event_id, recommendation_id, impression_json, properties_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const e of events) {
      insert.run(
        e.datasetArn,
        e.userId,
        e.sessionId,
        e.itemId,
        e.eventType,
        e.eventValue,
        e.timestamp,
        e.eventId,
        e.recommendationId,
        e.impression ? JSON.stringify(e.impression) : null,
        e.properties ? JSON.stringify(e.properties) : null,
      );
    }
  }).immediate();
}

/** A user's recorded events, newest first, at most `limit`. */
export function recentEventsOfUser(
  db: EngineDatabase,
  datasetArn: string,
  userId: string,
  limit: number,
): StoredEvent[] {
  const rows = cachedStatement(
    db,
    `SELECT user_id, item_id, event_type, event_value, timestamp, properties_json FROM recorded_events
     WHERE dataset_arn = ? AND user_id = ? ORDER BY timestamp DESC, id DESC LIMIT ?`,
  ).all(datasetArn, userId, limit) as EventRow[];
  return rows.map(eventFromRow);
}

/** The users with events recorded in any dataset of a group. */
export function usersWithRecordedEvents(db: EngineDatabase, datasetGroupArn: string): string[] {
  return cachedStatement(
    db,
    `SELECT DISTINCT e.user_id FROM recorded_events e JOIN datasets d ON d.arn = e.dataset_arn
     WHERE d.dataset_group_arn = ?`,
  )
    .all(datasetGroupArn)
    .map((row) => (row as { user_id: string }).user_id);
}

/** Every recorded event of a dataset in the order recorded, for training. */
export function allRecordedEvents(db: EngineDatabase, datasetArn: string): StoredEvent[] {
  const rows = db
    .prepare(
      `SELECT user_id, item_id, event_type, event_value, timestamp, properties_json FROM recorded_events
       WHERE dataset_arn = ? ORDER BY id`,
    )
    .all(datasetArn) as EventRow[];
  return rows.map(eventFromRow);
}

/** PutItems/PutUsers: a record whose id exists replaces it, as an import does. */
export function upsertRecords(
  db: EngineDatabase,
  datasetArn: string,
  records: readonly { readonly id: string; readonly properties: Record<string, unknown> }[],
): void {
  const upsert = db.prepare(
    `INSERT INTO recorded_records (dataset_arn, record_id, properties_json, seq)
     VALUES (?, ?, ?, (SELECT ifnull(max(seq), 0) + 1 FROM recorded_records))
     ON CONFLICT (dataset_arn, record_id) DO UPDATE SET properties_json = excluded.properties_json, seq = excluded.seq`,
  );
  db.transaction(() => {
    for (const record of records) upsert.run(datasetArn, record.id, JSON.stringify(record.properties));
  }).immediate();
}

/** Records added one by one to an Items or Users dataset, oldest first. */
export function listRecords(
  db: EngineDatabase,
  datasetArn: string,
): { readonly id: string; readonly properties: Record<string, unknown> }[] {
  const rows = db
    .prepare('SELECT record_id, properties_json FROM recorded_records WHERE dataset_arn = ? ORDER BY seq')
    .all(datasetArn) as { record_id: string; properties_json: string }[];
  return rows.map((row) => ({
    id: row.record_id,
    properties: JSON.parse(row.properties_json) as Record<string, unknown>,
  }));
}

/** Deleting a dataset deletes what was recorded into it. */
export function deleteRecordedData(db: EngineDatabase, datasetArn: string): void {
  db.prepare('DELETE FROM recorded_events WHERE dataset_arn = ?').run(datasetArn);
  db.prepare('DELETE FROM recorded_records WHERE dataset_arn = ?').run(datasetArn);
}
