import type { DatasetTable, NumberColumn, StringColumn } from '../data/datasetTable.js';

/** The columnar shape in which dataset storage hands imported data to training (src/engine/data). */
export type { DatasetTable, NumberColumn, StringColumn };

/** Thrown when a dataset lacks a column training needs, or has it with the wrong type. */
export class TrainingDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export function stringColumn(table: DatasetTable, name: string, dataset: string): StringColumn {
  const column = table.columns[name];
  if (!column || column.kind !== 'string') {
    throw new TrainingDataError(
      `The ${dataset} dataset has no string column ${name}; its schema must declare ${name} as a string field.`,
    );
  }
  return column;
}

export function optionalStringColumn(table: DatasetTable, name: string): StringColumn | undefined {
  const column = table.columns[name];
  return column?.kind === 'string' ? column : undefined;
}

export function optionalNumberColumn(table: DatasetTable, name: string): NumberColumn | undefined {
  const column = table.columns[name];
  return column?.kind === 'number' ? column : undefined;
}

/** Builds a table from plain rows; handy for tests, demos and benchmarks. */
export function tableFromRows(
  rows: readonly Record<string, string | number | null | undefined>[],
  columnKinds: Record<string, 'string' | 'number'>,
): DatasetTable {
  const columns: Record<string, StringColumn | NumberColumn> = {};
  for (const [name, kind] of Object.entries(columnKinds)) {
    if (kind === 'number') {
      const values = new Float64Array(rows.length);
      rows.forEach((row, i) => {
        const value = row[name];
        values[i] = typeof value === 'number' ? value : NaN;
      });
      columns[name] = { kind, values };
    } else {
      const codes = new Int32Array(rows.length);
      const dictionary: string[] = [];
      const codeOf = new Map<string, number>();
      rows.forEach((row, i) => {
        const value = row[name];
        if (value === null || value === undefined) {
          codes[i] = -1;
          return;
        }
        const text = String(value);
        let code = codeOf.get(text);
        if (code === undefined) {
          code = dictionary.length;
          dictionary.push(text);
          codeOf.set(text, code);
        }
        codes[i] = code;
      });
      columns[name] = { kind, codes, dictionary };
    }
  }
  return { rowCount: rows.length, columns };
}
