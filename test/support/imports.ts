import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  DescribeDatasetImportJobCommand,
  type DatasetImportJob,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EngineDatabase } from '../../src/engine/store/database.js';
import { readDatasetTable } from '../../src/engine/data/datasetTable.js';

export const INTERACTIONS_SCHEMA = {
  type: 'record',
  name: 'Interactions',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
    { name: 'EVENT_TYPE', type: 'string' },
    { name: 'EVENT_VALUE', type: ['null', 'float'] },
  ],
  version: '1.0',
};

export const ITEMS_SCHEMA = {
  type: 'record',
  name: 'Items',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'ITEM_ID', type: 'string' },
    { name: 'GENRES', type: ['null', 'string'], categorical: true },
    { name: 'PRICE', type: ['null', 'double'] },
    { name: 'ON_SALE', type: ['null', 'boolean'] },
    { name: 'CREATION_TIMESTAMP', type: 'long' },
  ],
  version: '1.0',
};

let counter = 0;

/** A dataset group with one dataset of the given type, created through the SDK. */
export async function createDataset(
  personalize: PersonalizeClient,
  datasetType: 'Interactions' | 'Items' | 'Users' = 'Interactions',
  schema: object = datasetType === 'Items' ? ITEMS_SCHEMA : INTERACTIONS_SCHEMA,
): Promise<string> {
  const suffix = `${process.pid}-${++counter}`;
  const { datasetGroupArn } = await personalize.send(
    new CreateDatasetGroupCommand({ name: `group-${suffix}` }),
  );
  const { schemaArn } = await personalize.send(
    new CreateSchemaCommand({ name: `schema-${suffix}`, schema: JSON.stringify(schema) }),
  );
  const { datasetArn } = await personalize.send(
    new CreateDatasetCommand({ name: `data-${suffix}`, datasetGroupArn, schemaArn, datasetType }),
  );
  return datasetArn ?? '';
}

/** Writes `s3://bucket/key` into a folder data root. */
export function putObject(dataRoot: string, bucket: string, key: string, body: string | Buffer): void {
  const path = join(dataRoot, bucket, key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);
}

export async function waitForImport(personalize: PersonalizeClient, arn: string): Promise<DatasetImportJob> {
  for (;;) {
    const { datasetImportJob } = await personalize.send(
      new DescribeDatasetImportJobCommand({ datasetImportJobArn: arn }),
    );
    if (datasetImportJob?.status === 'ACTIVE' || datasetImportJob?.status === 'CREATE FAILED')
      return datasetImportJob;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Creates an import job and waits until it is ACTIVE or CREATE FAILED. */
export async function importCsv(
  personalize: PersonalizeClient,
  datasetArn: string,
  dataLocation: string,
  importMode: 'FULL' | 'INCREMENTAL' = 'FULL',
): Promise<DatasetImportJob> {
  const { datasetImportJobArn } = await personalize.send(
    new CreateDatasetImportJobCommand({
      jobName: `import-${process.pid}-${++counter}`,
      datasetArn,
      dataSource: { dataLocation },
      roleArn: 'arn:aws:iam::000000000000:role/PersonalizeImport',
      importMode,
    }),
  );
  return waitForImport(personalize, datasetImportJobArn ?? '');
}

/** The dataset's data as plain rows (strings, numbers, null), in stored order. */
export function readRows(
  db: EngineDatabase,
  datasetArn: string,
): Record<string, string | number | null>[] | undefined {
  const table = readDatasetTable(db, datasetArn);
  if (!table) return undefined;
  const rows: Record<string, string | number | null>[] = [];
  for (let row = 0; row < table.rowCount; row++) {
    const record: Record<string, string | number | null> = {};
    for (const [name, column] of Object.entries(table.columns)) {
      if (column.kind === 'string') {
        const code = column.codes[row] ?? -1;
        record[name] = code < 0 ? null : (column.dictionary[code] ?? null);
      } else {
        const value = column.values[row] ?? NaN;
        record[name] = Number.isNaN(value) ? null : value;
      }
    }
    rows.push(record);
  }
  return rows;
}
