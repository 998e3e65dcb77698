import type { EngineDatabase } from './database.js';

/** A schema as stored: its Avro JSON exactly as the caller sent it, which DescribeSchema returns. */
export interface SchemaRecord {
  readonly arn: string;
  readonly name: string;
  readonly schema: string;
  readonly domain: string | null;
  readonly created: number;
  readonly updated: number;
}

interface SchemaRow {
  arn: string;
  name: string;
  schema_json: string;
  domain: string | null;
  created: number;
  updated: number;
}

function fromRow(row: SchemaRow): SchemaRecord {
  return {
    arn: row.arn,
    name: row.name,
    schema: row.schema_json,
    domain: row.domain,
    created: row.created,
    updated: row.updated,
  };
}

export function insertSchema(db: EngineDatabase, record: SchemaRecord): void {
  db.prepare(
    'INSERT INTO schemas (arn, name, schema_json, domain, created, updated) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(record.arn, record.name, record.schema, record.domain, record.created, record.updated);
}

export function findSchema(db: EngineDatabase, arn: string): SchemaRecord | undefined {
  const row = db.prepare('SELECT * FROM schemas WHERE arn = ?').get(arn) as SchemaRow | undefined;
  return row ? fromRow(row) : undefined;
}

export function listSchemas(db: EngineDatabase): SchemaRecord[] {
  const rows = db.prepare('SELECT * FROM schemas ORDER BY created, name').all() as SchemaRow[];
  return rows.map(fromRow);
}

export function countSchemas(db: EngineDatabase): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM schemas').get() as { n: number }).n;
}

export function deleteSchema(db: EngineDatabase, arn: string): void {
  db.prepare('DELETE FROM schemas WHERE arn = ?').run(arn);
}
