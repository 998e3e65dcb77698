import type { ColumnChunk, ColumnKind } from '../data/columnBuilders.js';
import type { EngineDatabase } from './database.js';
import { noteBulkDataChange } from './datasetGroupContents.js';

/** A column of a stored dataset version, in schema order. */
export interface StoredColumn {
  readonly name: string;
  readonly kind: ColumnKind;
}

/** The version a dataset serves now. */
export interface CurrentVersion {
  readonly versionId: number;
  readonly rowCount: number;
  readonly columns: readonly StoredColumn[];
  readonly importJobArn: string;
  readonly importMode: string;
  readonly updated: number;
}

/**
 * Starts a version that no reader sees until `commitVersion` points the dataset at it. Its chunks may
 * be written over many small transactions: a crash leaves it 'writing', and start-up removes it.
 */
export function beginVersion(
  db: EngineDatabase,
  datasetArn: string,
  importJobArn: string,
  columns: readonly StoredColumn[],
  now: number,
): number {
  const result = db
    .prepare(
      `INSERT INTO dataset_versions (dataset_arn, import_job_arn, state, columns_json, created)
       VALUES (?, ?, 'writing', ?, ?)`,
    )
    .run(datasetArn, importJobArn, JSON.stringify(columns), now);
  return Number(result.lastInsertRowid);
}

/** Stores one chunk of every column (chunk `seq` holds the same rows in each column). */
export function writeChunkSet(
  db: EngineDatabase,
  versionId: number,
  seq: number,
  chunks: ReadonlyArray<readonly [string, ColumnChunk]>,
): void {
  const insert = db.prepare(
    `INSERT INTO dataset_chunks (version_id, column_name, seq, row_count, data, dictionary_json)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const [column, chunk] of chunks) {
      const dictionary = chunk.dictionaryDelta ? JSON.stringify(chunk.dictionaryDelta) : null;
      insert.run(versionId, column, seq, chunk.rows, chunk.data, dictionary);
    }
  }).immediate();
}

/** INCREMENTAL imports start from the current data: its chunks are copied inside SQLite, never through JS. */
export function copyChunks(db: EngineDatabase, fromVersion: number, toVersion: number): number {
  db.prepare(
    `INSERT INTO dataset_chunks (version_id, column_name, seq, row_count, data, dictionary_json)
     SELECT ?, column_name, seq, row_count, data, dictionary_json FROM dataset_chunks WHERE version_id = ?`,
  ).run(toVersion, fromVersion);
  const row = db
    .prepare('SELECT MAX(seq) AS last FROM dataset_chunks WHERE version_id = ?')
    .get(toVersion) as { last: number | null };
  return row.last === null ? 0 : row.last + 1;
}

/** Removes every chunk of a version (used to rewrite a version that is still being written). */
export function clearChunks(db: EngineDatabase, versionId: number): void {
  db.prepare('DELETE FROM dataset_chunks WHERE version_id = ?').run(versionId);
}

export function setVersionRowCount(db: EngineDatabase, versionId: number, rowCount: number): void {
  db.prepare('UPDATE dataset_versions SET row_count = ? WHERE id = ?').run(rowCount, versionId);
}

/**
 * Makes a written version the dataset's data and drops the one it replaces. Call inside a
 * transaction together with whatever else must change at the same instant (the job's status).
 */
export function commitVersion(
  db: EngineDatabase,
  commit: {
    readonly datasetArn: string;
    readonly versionId: number;
    readonly importJobArn: string;
    readonly importMode: string;
    readonly now: number;
  },
): void {
  noteBulkDataChange(db);
  const version = db
    .prepare(`SELECT row_count FROM dataset_versions WHERE id = ? AND state = 'writing'`)
    .get(commit.versionId) as { row_count: number } | undefined;
  if (!version) throw new Error(`dataset version ${commit.versionId} is not being written; cannot commit it`);
  const previous = currentVersion(db, commit.datasetArn);
  db.prepare(`UPDATE dataset_versions SET state = 'committed' WHERE id = ?`).run(commit.versionId);
  db.prepare(
    `INSERT INTO dataset_current (dataset_arn, version_id, row_count, import_job_arn, import_mode, updated)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (dataset_arn) DO UPDATE SET version_id = excluded.version_id, row_count = excluded.row_count,
       import_job_arn = excluded.import_job_arn, import_mode = excluded.import_mode, updated = excluded.updated`,
  ).run(
    commit.datasetArn,
    commit.versionId,
    version.row_count,
    commit.importJobArn,
    commit.importMode,
    commit.now,
  );
  if (previous) dropVersion(db, previous.versionId);
}

/** Removes a version and its chunks; for versions that will never be committed. */
export function dropVersion(db: EngineDatabase, versionId: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM dataset_chunks WHERE version_id = ?').run(versionId);
    db.prepare('DELETE FROM dataset_versions WHERE id = ?').run(versionId);
  }).immediate();
}

export function currentVersion(db: EngineDatabase, datasetArn: string): CurrentVersion | undefined {
  const row = db
    .prepare(
      `SELECT c.version_id, c.row_count, c.import_job_arn, c.import_mode, c.updated, v.columns_json
       FROM dataset_current c JOIN dataset_versions v ON v.id = c.version_id
       WHERE c.dataset_arn = ?`,
    )
    .get(datasetArn) as
    | {
        version_id: number;
        row_count: number;
        import_job_arn: string;
        import_mode: string;
        updated: number;
        columns_json: string;
      }
    | undefined;
  if (!row) return undefined;
  return {
    versionId: row.version_id,
    rowCount: row.row_count,
    columns: JSON.parse(row.columns_json) as StoredColumn[],
    importJobArn: row.import_job_arn,
    importMode: row.import_mode,
    updated: row.updated,
  };
}

/** A string column's whole dictionary: the concatenation of its chunks' new entries. */
export function readDictionary(db: EngineDatabase, versionId: number, column: string): string[] {
  const rows = db
    .prepare(
      `SELECT dictionary_json FROM dataset_chunks WHERE version_id = ? AND column_name = ? ORDER BY seq`,
    )
    .all(versionId, column) as { dictionary_json: string | null }[];
  const dictionary: string[] = [];
  for (const row of rows) {
    if (row.dictionary_json)
      for (const value of JSON.parse(row.dictionary_json) as string[]) dictionary.push(value);
  }
  return dictionary;
}

export function readColumnChunks(
  db: EngineDatabase,
  versionId: number,
  column: string,
): Iterable<{ row_count: number; data: Buffer }> {
  return db
    .prepare(
      `SELECT row_count, data FROM dataset_chunks WHERE version_id = ? AND column_name = ? ORDER BY seq`,
    )
    .iterate(versionId, column) as Iterable<{ row_count: number; data: Buffer }>;
}

/** Deletes a dataset's data; call when the dataset itself is deleted. */
export function deleteDatasetData(db: EngineDatabase, datasetArn: string): void {
  noteBulkDataChange(db);
  db.transaction(() => {
    db.prepare(
      `DELETE FROM dataset_chunks WHERE version_id IN (SELECT id FROM dataset_versions WHERE dataset_arn = ?)`,
    ).run(datasetArn);
    db.prepare('DELETE FROM dataset_versions WHERE dataset_arn = ?').run(datasetArn);
    db.prepare('DELETE FROM dataset_current WHERE dataset_arn = ?').run(datasetArn);
  }).immediate();
}

/** Start-up: versions left 'writing' by a process that died will never be committed. */
export function dropUncommittedVersions(db: EngineDatabase): number {
  return db
    .transaction(() => {
      db.prepare(
        `DELETE FROM dataset_chunks WHERE version_id IN (SELECT id FROM dataset_versions WHERE state = 'writing')`,
      ).run();
      return db.prepare(`DELETE FROM dataset_versions WHERE state = 'writing'`).run().changes;
    })
    .immediate();
}
