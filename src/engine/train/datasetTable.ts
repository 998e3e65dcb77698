import {
  encodeStringField,
  type DatasetTable,
  type NumberColumn,
  type StringColumn,
} from '../data/datasetTable.js';

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
      const codes = new Int32Array(rows.length).fill(-1);
      const dictionary: string[] = [];
      encodeStringField(rows, name, codes, 0, dictionary);
      columns[name] = { kind, codes, dictionary };
    }
  }
  return { rowCount: rows.length, columns };
}
