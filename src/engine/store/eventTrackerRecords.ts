import type { EngineDatabase } from './database.js';

export type EventTrackerStatus = 'CREATE PENDING' | 'CREATE IN_PROGRESS' | 'ACTIVE';

export interface EventTrackerRecord {
  readonly arn: string;
  readonly name: string;
  readonly datasetGroupArn: string;
  readonly trackingId: string;
  readonly status: EventTrackerStatus;
  readonly created: number;
  readonly updated: number;
}

interface Row {
  arn: string;
  name: string;
  dataset_group_arn: string;
  tracking_id: string;
  status: EventTrackerStatus;
  created: number;
  updated: number;
}

function fromRow(row: Row): EventTrackerRecord {
  return {
    arn: row.arn,
    name: row.name,
    datasetGroupArn: row.dataset_group_arn,
    trackingId: row.tracking_id,
    status: row.status,
    created: row.created,
    updated: row.updated,
  };
}

export function insertEventTracker(db: EngineDatabase, tracker: EventTrackerRecord): void {
  db.prepare(
    `INSERT INTO event_trackers (arn, name, dataset_group_arn, tracking_id, status, created, updated)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    tracker.arn,
    tracker.name,
    tracker.datasetGroupArn,
    tracker.trackingId,
    tracker.status,
    tracker.created,
    tracker.updated,
  );
}

export function findEventTracker(db: EngineDatabase, arn: string): EventTrackerRecord | undefined {
  const row = db.prepare('SELECT * FROM event_trackers WHERE arn = ?').get(arn) as Row | undefined;
  return row ? fromRow(row) : undefined;
}

export function findEventTrackerByName(db: EngineDatabase, name: string): EventTrackerRecord | undefined {
  const row = db.prepare('SELECT * FROM event_trackers WHERE name = ?').get(name) as Row | undefined;
  return row ? fromRow(row) : undefined;
}

export function findEventTrackerByTrackingId(
  db: EngineDatabase,
  trackingId: string,
): EventTrackerRecord | undefined {
  const row = db.prepare('SELECT * FROM event_trackers WHERE tracking_id = ?').get(trackingId) as
    Row | undefined;
  return row ? fromRow(row) : undefined;
}

export function countEventTrackers(db: EngineDatabase, datasetGroupArn: string): number {
  return (
    db
      .prepare('SELECT COUNT(*) AS n FROM event_trackers WHERE dataset_group_arn = ?')
      .get(datasetGroupArn) as {
      n: number;
    }
  ).n;
}

/** Oldest first, optionally of one dataset group. */
export function listEventTrackers(db: EngineDatabase, datasetGroupArn?: string): EventTrackerRecord[] {
  const rows = (
    datasetGroupArn === undefined
      ? db.prepare('SELECT * FROM event_trackers ORDER BY created, name').all()
      : db
          .prepare('SELECT * FROM event_trackers WHERE dataset_group_arn = ? ORDER BY created, name')
          .all(datasetGroupArn)
  ) as Row[];
  return rows.map(fromRow);
}

export function setEventTrackerStatus(
  db: EngineDatabase,
  arn: string,
  status: EventTrackerStatus,
  now: number,
): void {
  db.prepare('UPDATE event_trackers SET status = ?, updated = ? WHERE arn = ?').run(status, now, arn);
}

export function deleteEventTracker(db: EngineDatabase, arn: string): void {
  db.prepare('DELETE FROM event_trackers WHERE arn = ?').run(arn);
}
