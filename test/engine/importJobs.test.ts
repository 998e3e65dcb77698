import {
  CreateDatasetImportJobCommand,
  DescribeDatasetImportJobCommand,
  InvalidInputException,
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readDatasetTable } from '../../src/engine/data/datasetTable.js';
import { startTestEngine } from '../support/engine.js';
import { createDataset, importCsv, putObject, readRows, waitForImport } from '../support/imports.js';

const ROLE = 'arn:aws:iam::000000000000:role/PersonalizeImport';

test('an import job goes from CREATE PENDING to ACTIVE and is described with the service fields', async (t) => {
  let clock = 1_700_000_000;
  const { personalize, engine, dataRoot } = await startTestEngine(t, { now: () => (clock += 1) });
  const datasetArn = await createDataset(personalize);
  // Columns in another order than the schema, quoting, CRLF and a byte order mark.
  putObject(
    dataRoot,
    'shop',
    'events/week1.csv',
    '\ufeffEVENT_TYPE,TIMESTAMP,ITEM_ID,USER_ID\r\nclick,1700000000,"shoe, red",u1\r\nbuy,1700000500,"say ""hi""",u2\r\n',
  );
  const { datasetImportJobArn } = await personalize.send(
    new CreateDatasetImportJobCommand({
      jobName: 'week1',
      datasetArn,
      dataSource: { dataLocation: 's3://shop/events/week1.csv' },
      roleArn: ROLE,
    }),
  );
  assert.equal(datasetImportJobArn, 'arn:aws:personalize:us-east-1:000000000000:dataset-import-job/week1');
  const job = await waitForImport(personalize, datasetImportJobArn ?? '');
  assert.deepEqual(
    { ...job, creationDateTime: undefined, lastUpdatedDateTime: undefined },
    {
      jobName: 'week1',
      datasetImportJobArn,
      datasetArn,
      dataSource: { dataLocation: 's3://shop/events/week1.csv' },
      roleArn: ROLE,
      status: 'ACTIVE',
      importMode: 'FULL',
      publishAttributionMetricsToS3: false,
      creationDateTime: undefined,
      lastUpdatedDateTime: undefined,
    },
  );
  assert.ok(job.creationDateTime instanceof Date && job.lastUpdatedDateTime instanceof Date);
  assert.ok(job.lastUpdatedDateTime > job.creationDateTime);
  assert.deepEqual(readRows(engine.ctx.db, datasetArn), [
    { USER_ID: 'u1', ITEM_ID: 'shoe, red', TIMESTAMP: 1700000000, EVENT_TYPE: 'click', EVENT_VALUE: null },
    { USER_ID: 'u2', ITEM_ID: 'say "hi"', TIMESTAMP: 1700000500, EVENT_TYPE: 'buy', EVENT_VALUE: null },
  ]);
});

test('readDatasetTable hands training dictionary-encoded strings and float columns', async (t) => {
  const { personalize, engine, dataRoot } = await startTestEngine(t);
  const datasetArn = await createDataset(personalize);
  assert.equal(readDatasetTable(engine.ctx.db, datasetArn), undefined, 'nothing imported yet');
  putObject(
    dataRoot,
    'shop',
    'e.csv',
    'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\nu1,i1,1,click,\nu2,i1,2,click,2.5\nu1,i2,3,buy,1e1\n',
  );
  await importCsv(personalize, datasetArn, 's3://shop/e.csv');
  const table = readDatasetTable(engine.ctx.db, datasetArn);
  assert.equal(table?.rowCount, 3);
  assert.deepEqual(table?.columns['USER_ID'], {
    kind: 'string',
    codes: Int32Array.from([0, 1, 0]),
    dictionary: ['u1', 'u2'],
  });
  assert.deepEqual(table?.columns['ITEM_ID'], {
    kind: 'string',
    codes: Int32Array.from([0, 0, 1]),
    dictionary: ['i1', 'i2'],
  });
  assert.deepEqual(table?.columns['TIMESTAMP'], { kind: 'number', values: Float64Array.from([1, 2, 3]) });
  assert.deepEqual(table?.columns['EVENT_VALUE'], {
    kind: 'number',
    values: Float64Array.from([NaN, 2.5, 10]),
  });
});

test('FULL replaces the data, INCREMENTAL appends, and INCREMENTAL needs a bulk import first', async (t) => {
  const { personalize, engine, dataRoot } = await startTestEngine(t);
  const datasetArn = await createDataset(personalize);
  const header = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n';
  putObject(dataRoot, 'shop', 'a.csv', `${header}u1,i1,1,click\nu2,i2,2,click\n`);
  putObject(dataRoot, 'shop', 'b.csv', `${header}u3,i1,3,buy\n`);
  putObject(dataRoot, 'shop', 'c.csv', `${header}u9,i9,9,view\n`);
  await assert.rejects(
    personalize.send(
      new CreateDatasetImportJobCommand({
        jobName: 'too-early',
        datasetArn,
        dataSource: { dataLocation: 's3://shop/b.csv' },
        importMode: 'INCREMENTAL',
      }),
    ),
    (error: unknown) =>
      error instanceof InvalidInputException && /import with importMode FULL first/.test(error.message),
  );
  await importCsv(personalize, datasetArn, 's3://shop/a.csv');
  assert.equal((await importCsv(personalize, datasetArn, 's3://shop/b.csv', 'INCREMENTAL')).status, 'ACTIVE');
  assert.deepEqual(
    readRows(engine.ctx.db, datasetArn)?.map((row) => row['USER_ID']),
    ['u1', 'u2', 'u3'],
  );
  assert.equal((await importCsv(personalize, datasetArn, 's3://shop/c.csv')).status, 'ACTIVE');
  assert.deepEqual(
    readRows(engine.ctx.db, datasetArn)?.map((row) => row['USER_ID']),
    ['u9'],
  );
  const versions = engine.ctx.db.prepare('SELECT COUNT(*) AS n FROM dataset_versions').get() as { n: number };
  assert.equal(versions.n, 1, 'replaced versions are deleted with their chunks');
});

test('in an Items dataset an INCREMENTAL record replaces the item with the same ID; types are checked and kept', async (t) => {
  const { personalize, engine, dataRoot } = await startTestEngine(t);
  const datasetArn = await createDataset(personalize, 'Items');
  putObject(
    dataRoot,
    'shop',
    'items.csv',
    'ITEM_ID,GENRES,PRICE,ON_SALE,CREATION_TIMESTAMP\nshoe,Shoes|Red,19.5,true,1700000000\nhat,,,,1700000001\nbag,Bags,5,FALSE,1700000002\nhat,Hats,7.25,false,1700000003\n',
  );
  putObject(
    dataRoot,
    'shop',
    'update.csv',
    'ITEM_ID,CREATION_TIMESTAMP,PRICE\nshoe,1700000100,25\nsock,1700000101,3\n',
  );
  await importCsv(personalize, datasetArn, 's3://shop/items.csv');
  assert.deepEqual(readRows(engine.ctx.db, datasetArn), [
    { ITEM_ID: 'shoe', GENRES: 'Shoes|Red', PRICE: 19.5, ON_SALE: 1, CREATION_TIMESTAMP: 1700000000 },
    { ITEM_ID: 'bag', GENRES: 'Bags', PRICE: 5, ON_SALE: 0, CREATION_TIMESTAMP: 1700000002 },
    { ITEM_ID: 'hat', GENRES: 'Hats', PRICE: 7.25, ON_SALE: 0, CREATION_TIMESTAMP: 1700000003 },
  ]);
  await importCsv(personalize, datasetArn, 's3://shop/update.csv', 'INCREMENTAL');
  assert.deepEqual(readRows(engine.ctx.db, datasetArn), [
    { ITEM_ID: 'bag', GENRES: 'Bags', PRICE: 5, ON_SALE: 0, CREATION_TIMESTAMP: 1700000002 },
    { ITEM_ID: 'hat', GENRES: 'Hats', PRICE: 7.25, ON_SALE: 0, CREATION_TIMESTAMP: 1700000003 },
    { ITEM_ID: 'shoe', GENRES: null, PRICE: 25, ON_SALE: null, CREATION_TIMESTAMP: 1700000100 },
    { ITEM_ID: 'sock', GENRES: null, PRICE: 3, ON_SALE: null, CREATION_TIMESTAMP: 1700000101 },
  ]);
  const table = readDatasetTable(engine.ctx.db, datasetArn);
  assert.deepEqual(
    table?.columns['GENRES'],
    { kind: 'string', codes: Int32Array.from([0, 1, -1, -1]), dictionary: ['Bags', 'Hats'] },
    'dictionaries hold only values in use',
  );
  putObject(dataRoot, 'shop', 'bad-bool.csv', 'ITEM_ID,ON_SALE,CREATION_TIMESTAMP\nx,yes,1700000000\n');
  const bad = await importCsv(personalize, datasetArn, 's3://shop/bad-bool.csv', 'INCREMENTAL');
  assert.match(bad.failureReason ?? '', /line 2, column ON_SALE: expected true or false/);
});

test('jobs are listed per dataset with pagination; bad requests get the service errors', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const first = await createDataset(personalize);
  const second = await createDataset(personalize);
  putObject(dataRoot, 'shop', 'e.csv', 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nu1,i1,1,click\n');
  const jobs = [
    await importCsv(personalize, first, 's3://shop/e.csv'),
    await importCsv(personalize, first, 's3://shop/missing.csv'),
    await importCsv(personalize, second, 's3://shop/e.csv'),
  ];
  const page1 = await personalize.send(
    new ListDatasetImportJobsCommand({ datasetArn: first, maxResults: 1 }),
  );
  assert.equal(page1.datasetImportJobs?.length, 1);
  assert.ok(page1.nextToken);
  const page2 = await personalize.send(
    new ListDatasetImportJobsCommand({ datasetArn: first, maxResults: 1, nextToken: page1.nextToken }),
  );
  assert.equal(page2.nextToken, undefined);
  const listed = [...(page1.datasetImportJobs ?? []), ...(page2.datasetImportJobs ?? [])];
  assert.deepEqual(
    listed.map((job) => [job.datasetImportJobArn, job.status, job.importMode]),
    [
      [jobs[0]?.datasetImportJobArn, 'ACTIVE', 'FULL'],
      [jobs[1]?.datasetImportJobArn, 'CREATE FAILED', 'FULL'],
    ],
  );
  assert.match(listed[1]?.failureReason ?? '', /missing\.csv does not exist/);
  const all = await personalize.send(new ListDatasetImportJobsCommand({}));
  assert.equal(all.datasetImportJobs?.length, 3);

  const create = (input: Partial<ConstructorParameters<typeof CreateDatasetImportJobCommand>[0]>) =>
    personalize.send(
      new CreateDatasetImportJobCommand({
        jobName: 'x',
        datasetArn: first,
        dataSource: { dataLocation: 's3://shop/e.csv' },
        ...input,
      }),
    );
  await assert.rejects(create({ jobName: jobs[0]?.jobName ?? '' }), ResourceAlreadyExistsException);
  await assert.rejects(
    create({ datasetArn: 'arn:aws:personalize:us-east-1:000000000000:dataset/none/INTERACTIONS' }),
    ResourceNotFoundException,
  );
  await assert.rejects(create({ jobName: 'bad name!' }), InvalidInputException);
  await assert.rejects(
    create({ dataSource: { dataLocation: '/etc/passwd' } }),
    /use s3:\/\/bucket\/key\.csv/,
  );
  await assert.rejects(create({ roleArn: 'not-a-role' }), InvalidInputException);
  await assert.rejects(
    personalize.send(
      new DescribeDatasetImportJobCommand({
        datasetImportJobArn: 'arn:aws:personalize:us-east-1:000000000000:dataset-import-job/none',
      }),
    ),
    ResourceNotFoundException,
  );
});

test('the API keeps answering while an import runs', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const datasetArn = await createDataset(personalize);
  const rows = Array.from(
    { length: 300_000 },
    (_, i) => `u${i % 5000},i${i % 700},${1_700_000_000 + i},click`,
  );
  putObject(dataRoot, 'shop', 'big.csv', `USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n${rows.join('\n')}\n`);
  const { datasetImportJobArn } = await personalize.send(
    new CreateDatasetImportJobCommand({
      jobName: 'big',
      datasetArn,
      dataSource: { dataLocation: 's3://shop/big.csv' },
    }),
  );
  const seen = new Set<string>();
  let answeredWhileRunning = 0;
  for (;;) {
    const { datasetImportJob } = await personalize.send(
      new DescribeDatasetImportJobCommand({ datasetImportJobArn }),
    );
    const status = datasetImportJob?.status ?? '';
    seen.add(status);
    if (status === 'ACTIVE' || status === 'CREATE FAILED') break;
    await personalize.send(new ListDatasetGroupsCommand({}));
    answeredWhileRunning++;
  }
  assert.ok(seen.has('ACTIVE'), [...seen].join());
  assert.ok(answeredWhileRunning > 0, 'no request was answered while the import ran');
  assert.ok(seen.has('CREATE IN_PROGRESS') || seen.has('CREATE PENDING'));
});
