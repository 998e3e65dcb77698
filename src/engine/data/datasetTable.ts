import type { EngineDatabase } from '../store/database.js';
import {
  currentVersion,
  readColumnChunks,
  readDictionary,
  type StoredColumn,
} from '../store/datasetStorage.js';

/** A string field: per row, an index into `dictionary`, or -1 for null. */
export interface StringColumn {
  readonly kind: 'string';
  readonly codes: Int32Array;
  readonly dictionary: string[];
}

/** Any other field (int, long, float, double, boolean as 0/1): NaN for null. */
export interface NumberColumn {
  readonly kind: 'number';
  readonly values: Float64Array;
}

/** A dataset's data as training reads it; columns are keyed by schema field name (USER_ID, ...). */
export interface DatasetTable {
  readonly rowCount: number;
  readonly columns: Record<string, StringColumn | NumberColumn>;
}

/**
 * Dictionary-encodes one field of `rows` into `codes` from index `base`, adding new values to
 * `dictionary` (which may already hold a column's values); a null or missing value leaves its code.
 */
export function encodeStringField(
  rows: readonly Readonly<Record<string, unknown>>[],
  name: string,
  codes: Int32Array,
  base: number,
  dictionary: string[],
): void {
  const codeOf = new Map(dictionary.map((text, code) => [text, code]));
  rows.forEach((row, i) => {
    const value = row[name];
    if (value === null || value === undefined) return;
    const text = String(value);
    let code = codeOf.get(text);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(text);
      codeOf.set(text, code);
    }
    codes[base + i] = code;
  });
}

/**
 * The data a dataset holds now (its last committed import), or undefined if nothing was imported.
 * Rows keep file order, FULL data first and INCREMENTAL appends after, so readers may rely on it.
 */
export function readDatasetTable(db: EngineDatabase, datasetArn: string): DatasetTable | undefined {
  const version = currentVersion(db, datasetArn);
  return version ? readVersionTable(db, version.versionId, version.columns, version.rowCount) : undefined;
}

export function readVersionTable(
  db: EngineDatabase,
  versionId: number,
  columns: readonly StoredColumn[],
  rowCount: number,
): DatasetTable {
  const table: Record<string, StringColumn | NumberColumn> = {};
  for (const column of columns) {
    if (column.kind === 'string') {
      const codes = new Int32Array(rowCount);
      fillFromChunks(db, versionId, column.name, Buffer.from(codes.buffer), 4);
      table[column.name] = { kind: 'string', codes, dictionary: readDictionary(db, versionId, column.name) };
    } else {
      const values = new Float64Array(rowCount);
      fillFromChunks(db, versionId, column.name, Buffer.from(values.buffer), 8);
      table[column.name] = { kind: 'number', values };
    }
  }
  return { rowCount, columns: table };
}

/** Copies chunk bytes into place; byte copies, since SQLite's buffers need not be aligned for typed arrays. */
function fillFromChunks(
  db: EngineDatabase,
  versionId: number,
  column: string,
  target: Buffer,
  bytesPerRow: number,
): void {
  let offset = 0;
  for (const chunk of readColumnChunks(db, versionId, column)) {
    const bytes = chunk.row_count * bytesPerRow;
    if (offset + bytes > target.length || chunk.data.length !== bytes) {
      throw new Error(
        `dataset version ${versionId}, column ${column}: stored chunks disagree with its row count`,
      );
    }
    chunk.data.copy(target, offset);
    offset += bytes;
  }
  if (offset !== target.length) {
    throw new Error(
      `dataset version ${versionId}, column ${column}: stored chunks hold fewer rows than recorded`,
    );
  }
}
