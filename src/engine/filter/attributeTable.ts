import type { DatasetTable } from '../data/datasetTable.js';

/** One metadata field over every record: strings as dictionary codes (-1 = null), numbers as doubles (NaN = null). */
export type AttributeColumn =
  | { readonly kind: 'string'; readonly codes: Int32Array; readonly dictionary: readonly string[] }
  | { readonly kind: 'number'; readonly values: Float64Array };

/**
 * The metadata of an Items or Users dataset by record id: its bulk data with the records added one by
 * one (PutItems, PutUsers) laid over it, the later record winning, as in the service.
 */
export interface AttributeTable {
  readonly ids: readonly string[];
  readonly rowOf: ReadonlyMap<string, number>;
  readonly columns: ReadonlyMap<string, AttributeColumn>;
}

/** `numberOfRatings` and `NUMBER_OF_RATINGS` name the same field: PutItems properties are camelCase. */
export function fieldKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function buildAttributeTable(
  bulk: DatasetTable | undefined,
  idField: string,
  recorded: readonly { readonly id: string; readonly properties: Record<string, unknown> }[],
  fields: readonly { readonly name: string; readonly numeric: boolean }[],
): AttributeTable {
  const ids: string[] = [];
  const rowOf = new Map<string, number>();
  const bulkRow: number[] = [];
  const idColumn = bulk?.columns[idField];
  if (bulk && idColumn?.kind === 'string') {
    for (let row = 0; row < bulk.rowCount; row++) {
      const code = idColumn.codes[row]!;
      if (code < 0) continue;
      const id = idColumn.dictionary[code]!;
      const existing = rowOf.get(id);
      if (existing === undefined) {
        rowOf.set(id, ids.length);
        ids.push(id);
        bulkRow.push(row);
      } else bulkRow[existing] = row;
    }
  }
  const recordedRow = new Map<number, Record<string, unknown>>();
  for (const record of recorded) {
    let row = rowOf.get(record.id);
    if (row === undefined) {
      row = ids.length;
      rowOf.set(record.id, row);
      ids.push(record.id);
      bulkRow.push(-1);
    }
    recordedRow.set(row, record.properties);
  }
  const columns = new Map<string, AttributeColumn>();
  for (const field of fields) {
    const source = bulk?.columns[field.name];
    const key = fieldKey(field.name);
    const recordedValue = (row: number): unknown => {
      const properties = recordedRow.get(row);
      if (!properties) return undefined;
      const match = Object.keys(properties).find((k) => fieldKey(k) === key);
      return match === undefined ? null : properties[match];
    };
    if (field.numeric) {
      const values = new Float64Array(ids.length).fill(NaN);
      for (let row = 0; row < ids.length; row++) {
        const fromRecord = recordedValue(row);
        if (fromRecord !== undefined) values[row] = fromRecord === null ? NaN : Number(fromRecord);
        else if (source?.kind === 'number' && bulkRow[row]! >= 0) values[row] = source.values[bulkRow[row]!]!;
      }
      columns.set(field.name, { kind: 'number', values });
    } else {
      const dictionary = source?.kind === 'string' ? [...source.dictionary] : [];
      const extra = new Map<string, number>();
      const codes = new Int32Array(ids.length).fill(-1);
      for (let row = 0; row < ids.length; row++) {
        const fromRecord = recordedValue(row);
        if (fromRecord !== undefined) {
          if (fromRecord === null) continue;
          const text = String(fromRecord);
          let code = extra.get(text);
          if (code === undefined) {
            code = dictionary.length;
            dictionary.push(text);
            extra.set(text, code);
          }
          codes[row] = code;
        } else if (source?.kind === 'string' && bulkRow[row]! >= 0) codes[row] = source.codes[bulkRow[row]!]!;
      }
      columns.set(field.name, { kind: 'string', codes, dictionary });
    }
  }
  return { ids, rowOf, columns };
}
