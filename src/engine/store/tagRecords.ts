import type { EngineDatabase } from './database.js';

export interface Tag {
  readonly tagKey: string;
  readonly tagValue: string;
}

/** Tables whose rows are taggable resources, keyed by ARN; a new resource kind adds its table here. */
export const TAGGABLE_TABLES = [
  'dataset_groups',
  'schemas',
  'datasets',
  'dataset_import_jobs',
  'solutions',
  'solution_versions',
  'campaigns',
  'filters',
  'event_trackers',
  'batch_inference_jobs',
] as const;

export function resourceExists(db: EngineDatabase, arn: string): boolean {
  const sql = TAGGABLE_TABLES.map((table) => `SELECT 1 FROM ${table} WHERE arn = ?`).join(' UNION ALL ');
  return db.prepare(sql).get(...TAGGABLE_TABLES.map(() => arn)) !== undefined;
}

export function listTags(db: EngineDatabase, arn: string): Tag[] {
  const rows = db
    .prepare('SELECT tag_key, tag_value FROM resource_tags WHERE resource_arn = ? ORDER BY tag_key')
    .all(arn) as { tag_key: string; tag_value: string }[];
  return rows.map((row) => ({ tagKey: row.tag_key, tagValue: row.tag_value }));
}

/** Adds or overwrites tags (a key already present takes the new value), as TagResource does. */
export function putTags(db: EngineDatabase, arn: string, tags: readonly Tag[]): void {
  const upsert = db.prepare(
    `INSERT INTO resource_tags (resource_arn, tag_key, tag_value) VALUES (?, ?, ?)
     ON CONFLICT (resource_arn, tag_key) DO UPDATE SET tag_value = excluded.tag_value`,
  );
  db.transaction(() => {
    for (const tag of tags) upsert.run(arn, tag.tagKey, tag.tagValue);
  }).immediate();
}

export function removeTags(db: EngineDatabase, arn: string, keys: readonly string[]): void {
  const remove = db.prepare('DELETE FROM resource_tags WHERE resource_arn = ? AND tag_key = ?');
  db.transaction(() => {
    for (const key of keys) remove.run(arn, key);
  }).immediate();
}

/** A deleted resource takes its tags with it, so a namesake created later starts untagged. */
export function dropTags(db: EngineDatabase, arn: string): void {
  db.prepare(
    `DELETE FROM resource_tags WHERE resource_arn = ? OR substr(resource_arn, 1, length(?) + 1) = ? || '/'`,
  ).run(arn, arn, arn);
}
