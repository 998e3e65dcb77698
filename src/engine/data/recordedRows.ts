import {
  encodeStringField,
  type DatasetTable,
  type NumberColumn,
  type StringColumn,
} from './datasetTable.js';
import type { SchemaField } from './schemaFields.js';

export type RecordedRow = Readonly<Record<string, string | number | boolean | null | undefined>>;

/**
 * A dataset's bulk data with the rows recorded one by one (PutEvents, PutItems) appended after it,
 * column by column, so training reads both as one table. Rows name schema fields; a field a row lacks
 * is null.
 */
export function appendRows(
  bulk: DatasetTable | undefined,
  rows: readonly RecordedRow[],
  fields: readonly SchemaField[],
): DatasetTable | undefined {
  if (rows.length === 0) return bulk;
  const base = bulk?.rowCount ?? 0;
  const rowCount = base + rows.length;
  const columns: Record<string, StringColumn | NumberColumn> = {};
  for (const field of fields) {
    const existing = bulk?.columns[field.name];
    if (field.type === 'string') {
      const codes = new Int32Array(rowCount).fill(-1);
      const dictionary = existing?.kind === 'string' ? [...existing.dictionary] : [];
      if (existing?.kind === 'string') codes.set(existing.codes);
      encodeStringField(rows, field.name, codes, base, dictionary);
      columns[field.name] = { kind: 'string', codes, dictionary };
    } else {
      const values = new Float64Array(rowCount).fill(NaN);
      if (existing?.kind === 'number') values.set(existing.values);
      rows.forEach((row, i) => {
        const value = row[field.name];
        if (value !== null && value !== undefined) values[base + i] = Number(value);
      });
      columns[field.name] = { kind: 'number', values };
    }
  }
  return { rowCount, columns };
}
