import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { makeTempDir, startTestEngine } from '../support/engine.js';
import { createDataset, importCsv, putObject, readRows } from '../support/imports.js';

const HEADER = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

test('a prefix imports every CSV under it, in key order, each with its own header', async (t) => {
  const { personalize, engine, dataRoot } = await startTestEngine(t);
  const datasetArn = await createDataset(personalize);
  putObject(dataRoot, 'shop', 'events/b.csv', `${HEADER}u2,i2,2,click\n`);
  putObject(dataRoot, 'shop', 'events/a.csv', `${HEADER}u1,i1,1,click\n`);
  putObject(dataRoot, 'shop', 'events/2024/c.CSV', `EVENT_TYPE,USER_ID,ITEM_ID,TIMESTAMP\nbuy,u3,i3,3\n`);
  putObject(dataRoot, 'shop', 'events/readme.txt', 'not data');
  const job = await importCsv(personalize, datasetArn, 's3://shop/events/');
  assert.equal(job.status, 'ACTIVE', job.failureReason);
  assert.deepEqual(
    readRows(engine.ctx.db, datasetArn)?.map((row) => row['USER_ID']),
    ['u3', 'u1', 'u2'],
  );
});

test('with an S3 endpoint, objects and prefixes are read through the S3 API', async (t) => {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: makeTempDir('pr-s3rver-'),
  });
  const { port } = await server.run();
  t.after(() => server.close());
  const endpoint = `http://127.0.0.1:${port}`;
  const s3 = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  t.after(() => s3.destroy());
  await s3.send(new CreateBucketCommand({ Bucket: 'shop' }));
  const put = (key: string, body: string) =>
    s3.send(new PutObjectCommand({ Bucket: 'shop', Key: key, Body: body }));
  await put('one.csv', `${HEADER}u1,"i,1",1,click\n`);
  await put('daily/2.csv', `${HEADER}u3,i3,3,click\n`);
  await put('daily/1.csv', `${HEADER}u2,i2,2,click\n`);
  await put('daily/bad.txt', 'ignored');

  const { personalize, engine } = await startTestEngine(t, { s3Endpoint: endpoint });
  const datasetArn = await createDataset(personalize);
  assert.equal((await importCsv(personalize, datasetArn, 's3://shop/one.csv')).status, 'ACTIVE');
  assert.deepEqual(
    readRows(engine.ctx.db, datasetArn)?.map((row) => row['ITEM_ID']),
    ['i,1'],
  );
  const prefix = await importCsv(personalize, datasetArn, 's3://shop/daily/', 'INCREMENTAL');
  assert.equal(prefix.status, 'ACTIVE', prefix.failureReason);
  assert.deepEqual(
    readRows(engine.ctx.db, datasetArn)?.map((row) => row['USER_ID']),
    ['u1', 'u2', 'u3'],
  );
  const missing = await importCsv(personalize, datasetArn, 's3://shop/gone.csv');
  assert.equal(missing.status, 'CREATE FAILED');
  assert.match(missing.failureReason ?? '', /^Object s3:\/\/shop\/gone\.csv does not exist/);
  assert.equal(readRows(engine.ctx.db, datasetArn)?.length, 3);
});
