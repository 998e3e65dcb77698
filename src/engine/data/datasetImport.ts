import type { DatasourceResolver } from '../context.js';
import type { EngineDatabase } from '../store/database.js';
import { setImportJobStatus, type ImportMode, findImportJob } from '../store/datasetImportJobRecords.js';
import { columnKindOf, createColumnBuilder, type ColumnBuilder } from './columnBuilders.js';
import { CsvStreamParser, DEFAULT_MAX_RECORD_BYTES } from './csvStream.js';
import {
  beginVersion,
  clearChunks,
  commitVersion,
  copyChunks,
  currentVersion,
  readDictionary,
  setVersionRowCount,
  writeChunkSet,
  type StoredColumn,
} from './datasetStorage.js';
import { readVersionTable, type NumberColumn, type StringColumn } from './datasetTable.js';
import { resolveDataLocation, type DataObject } from './datasources.js';
import { CsvSyntaxError, FieldValueError, ImportError } from './importErrors.js';
import type { SchemaField } from './schemaFields.js';
import { echo } from '../../shared/echo.js';

/** Everything an import needs; plain data, so it can cross into a worker thread. */
export interface ImportRequest {
  readonly jobArn: string;
  readonly datasetArn: string;
  /** INTERACTIONS, USERS, ITEMS, ACTIONS, ACTION_INTERACTIONS */
  readonly datasetType: string;
  readonly fields: readonly SchemaField[];
  readonly dataLocation: string;
  readonly importMode: ImportMode;
  readonly datasources: DatasourceResolver;
  readonly now: number;
  /** @default DEFAULT_MAX_RECORD_BYTES */
  readonly maxRecordBytes?: number;
}

export interface WrittenVersion {
  readonly versionId: number;
  readonly rowCount: number;
}

/** Rows per stored chunk: large enough that per-chunk costs vanish, small enough to bound memory. */
export const CHUNK_ROWS = 65_536;

/** In these datasets a record whose ID already exists replaces the old one (the last one wins). */
const KEY_FIELD: Readonly<Record<string, string>> = {
  USERS: 'USER_ID',
  ITEMS: 'ITEM_ID',
  ACTIONS: 'ACTION_ID',
};

/**
 * Reads every object of the job's data location into a new, uncommitted dataset version and
 * returns it; `commitImport` makes it the dataset's data. Throws `ImportError` with the failure
 * reason for bad input; the caller drops the version (its id arrives through `onVersion` first).
 */
export async function writeImportVersion(
  db: EngineDatabase,
  request: ImportRequest,
  onVersion: (versionId: number) => void,
): Promise<WrittenVersion> {
  const source = await resolveDataLocation(request.dataLocation, request.datasources);
  try {
    const columns: StoredColumn[] = request.fields.map((field) => ({
      name: field.name,
      kind: columnKindOf(field),
    }));
    const base = request.importMode === 'INCREMENTAL' ? currentVersion(db, request.datasetArn) : undefined;
    if (request.importMode === 'INCREMENTAL' && !base) {
      throw new ImportError(
        `Dataset ${request.datasetArn} has no data from a FULL import; run a FULL (bulk) import before INCREMENTAL ones.`,
      );
    }
    if (base && JSON.stringify(base.columns) !== JSON.stringify(columns)) {
      throw new ImportError(
        `The dataset's stored columns no longer match its schema; run a FULL import instead.`,
      );
    }
    const versionId = beginVersion(db, request.datasetArn, request.jobArn, columns, request.now);
    onVersion(versionId);
    const builders = request.fields.map((field) =>
      createColumnBuilder(
        field,
        CHUNK_ROWS,
        base && field.type === 'string' ? readDictionary(db, base.versionId, field.name) : [],
      ),
    );
    const sink = new ChunkSink(db, versionId, builders, base ? copyChunks(db, base.versionId, versionId) : 0);
    let rowCount = base?.rowCount ?? 0;
    for (const object of source.objects) {
      rowCount += await importObject(object, request, builders, sink);
    }
    sink.flush();
    const keyField = KEY_FIELD[request.datasetType];
    const key = builders.find((builder) => builder.name === keyField);
    if (key && key.distinctValues < rowCount) {
      rowCount = keepLatestRecordPerKey(db, versionId, columns, rowCount, key.name);
    }
    setVersionRowCount(db, versionId, rowCount);
    return { versionId, rowCount };
  } finally {
    source.close();
  }
}

/** Points the dataset at the written version and marks the job ACTIVE, in one transaction. */
export function commitImport(
  db: EngineDatabase,
  request: ImportRequest,
  versionId: number,
  now: number,
): void {
  db.transaction(() => {
    const job = findImportJob(db, request.jobArn);
    if (job?.status !== 'CREATE IN_PROGRESS') {
      throw new Error(`import job ${request.jobArn} is ${job?.status ?? 'gone'}; its data is not committed`);
    }
    commitVersion(db, {
      datasetArn: request.datasetArn,
      versionId,
      importJobArn: request.jobArn,
      importMode: request.importMode,
      now,
    });
    setImportJobStatus(db, request.jobArn, 'ACTIVE', now);
  }).immediate();
}

/** Collects rows in the builders and stores a chunk of every column each CHUNK_ROWS rows. */
class ChunkSink {
  private rows = 0;

  constructor(
    private readonly db: EngineDatabase,
    private readonly versionId: number,
    private readonly builders: readonly ColumnBuilder[],
    private seq: number,
  ) {}

  rowAdded(): void {
    if (++this.rows === CHUNK_ROWS) this.flush();
  }

  flush(): void {
    if (this.rows === 0) return;
    writeChunkSet(
      this.db,
      this.versionId,
      this.seq++,
      this.builders.map((builder) => [builder.name, builder.takeChunk()] as const),
    );
    this.rows = 0;
  }
}

/** Streams one object through the parser into the builders; returns how many rows it held. */
async function importObject(
  object: DataObject,
  request: ImportRequest,
  builders: readonly ColumnBuilder[],
  sink: ChunkSink,
): Promise<number> {
  let targets: ColumnBuilder[] | undefined;
  let absent: ColumnBuilder[] = [];
  let width = 0;
  let line = 0;
  let rows = 0;
  const parser = new CsvStreamParser((values, count, recordLine) => {
    line = recordLine;
    if (!targets) {
      ({ targets, absent } = mapHeader(object.uri, values.slice(0, count), request.fields, builders));
      width = count;
      return;
    }
    if (count !== width) {
      throw new CsvSyntaxError(
        recordLine,
        `the record has ${count} fields but the header has ${width}; quote values that contain commas`,
      );
    }
    for (let i = 0; i < width; i++) (targets[i] as ColumnBuilder).append(values[i] as string);
    for (const builder of absent) builder.append('');
    rows++;
    sink.rowAdded();
  }, request.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);
  try {
    for await (const chunk of object.read()) parser.push(chunk);
    parser.end();
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      throw new ImportError(`${object.uri} line ${error.line}: ${error.detail}`);
    if (error instanceof FieldValueError)
      throw new ImportError(`${object.uri} line ${line}, ${error.message}`);
    throw error;
  }
  if (!targets) {
    throw new ImportError(
      `${object.uri} is empty; expected a header line naming the columns (${request.fields.map((f) => f.name).join(',')}) and data rows.`,
    );
  }
  if (rows === 0)
    throw new ImportError(`${object.uri} has a header but no data rows; add records from line 2 on.`);
  return rows;
}

/** Header names match schema fields in any order and case; unknown, repeated or missing required columns fail. */
function mapHeader(
  uri: string,
  names: readonly string[],
  fields: readonly SchemaField[],
  builders: readonly ColumnBuilder[],
): { targets: ColumnBuilder[]; absent: ColumnBuilder[] } {
  const byName = new Map(builders.map((builder) => [builder.name.toUpperCase(), builder]));
  const known = fields.map((field) => field.name).join(', ');
  const targets: ColumnBuilder[] = [];
  for (const raw of names) {
    const name = raw.trim();
    const builder = byName.get(name.toUpperCase());
    if (!builder) {
      throw new ImportError(
        `${uri} line 1: column '${echo(name)}' is not a field of the dataset's schema (${known}); remove the column or add the field to the schema.`,
      );
    }
    if (targets.includes(builder))
      throw new ImportError(`${uri} line 1: column '${echo(name)}' appears twice in the header.`);
    targets.push(builder);
  }
  const absent = builders.filter((builder) => !targets.includes(builder));
  for (const builder of absent) {
    const field = fields.find((f) => f.name === builder.name);
    if (!field?.nullable) {
      throw new ImportError(
        `${uri} line 1: required column ${builder.name} is missing from the header; every non-nullable schema field needs a column.`,
      );
    }
  }
  return { targets, absent };
}

/**
 * Rewrites a version so each key appears once, at its last record (INCREMENTAL data comes after the
 * old data, so the new record wins). Dictionaries are rebuilt so every entry is used by some row.
 */
function keepLatestRecordPerKey(
  db: EngineDatabase,
  versionId: number,
  columns: readonly StoredColumn[],
  rowCount: number,
  keyName: string,
): number {
  const table = readVersionTable(db, versionId, columns, rowCount);
  const key = table.columns[keyName] as StringColumn;
  const seen = new Uint8Array(key.dictionary.length);
  const kept: number[] = [];
  for (let row = rowCount - 1; row >= 0; row--) {
    const code = key.codes[row] as number;
    if (code >= 0 && seen[code] === 1) continue;
    if (code >= 0) seen[code] = 1;
    kept.push(row);
  }
  kept.reverse();
  clearChunks(db, versionId);
  const encoded = columns.map((column) => {
    const data = table.columns[column.name] as StringColumn | NumberColumn;
    return [
      column.name,
      data.kind === 'string'
        ? reencode(data, kept)
        : { values: Float64Array.from(kept, (row) => data.values[row] as number) },
    ] as const;
  });
  for (let start = 0, seq = 0; start < kept.length; start += CHUNK_ROWS, seq++) {
    const end = Math.min(start + CHUNK_ROWS, kept.length);
    writeChunkSet(
      db,
      versionId,
      seq,
      encoded.map(([name, column]) => {
        const slice =
          'codes' in column ? column.codes.subarray(start, end) : column.values.subarray(start, end);
        return [
          name,
          {
            rows: end - start,
            data: Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength),
            dictionaryDelta: 'codes' in column ? (seq === 0 ? column.dictionary : []) : null,
          },
        ] as const;
      }),
    );
  }
  return kept.length;
}

function reencode(
  column: StringColumn,
  rows: readonly number[],
): { codes: Int32Array; dictionary: string[] } {
  const remap = new Int32Array(column.dictionary.length).fill(-1);
  const dictionary: string[] = [];
  const codes = Int32Array.from(rows, (row) => {
    const old = column.codes[row] as number;
    if (old < 0) return -1;
    if (remap[old] === -1) {
      remap[old] = dictionary.length;
      dictionary.push(column.dictionary[old] as string);
    }
    return remap[old] as number;
  });
  return { codes, dictionary };
}
