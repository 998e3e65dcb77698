import {
  CreateDatasetImportJobCommand,
  DeleteDatasetCommand,
  InvalidInputException,
} from '@aws-sdk/client-personalize';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertAnswersAndStops, startEngineProcess } from '../../support/engineProcess.js';
import { createDataset, importCsv, putObject, readRows } from '../../support/imports.js';

const HEADER = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n';
const GOOD = `${HEADER}u1,i1,1700000000,click\nu2,i2,1700000100,buy\n`;

function rowsAfterExit(stateDir: string, datasetArn: string) {
  const db = new Database(join(stateDir, 'engine.sqlite'), { readonly: true });
  try {
    return readRows(db as never, datasetArn);
  } finally {
    db.close();
  }
}

test('a FIFO or a socket as a CSV is refused before it is opened; nothing hangs and the dataset can go', async (t) => {
  const engine = await startEngineProcess(t);
  const kept = await createDataset(engine.personalize);
  putObject(engine.dataRoot, 'shop', 'good.csv', GOOD);
  assert.equal((await importCsv(engine.personalize, kept, 's3://shop/good.csv')).status, 'ACTIVE');

  const bucket = join(engine.dataRoot, 'shop');
  execFileSync('mkfifo', [join(bucket, 'pipe.csv')]);
  mkdirSync(join(bucket, 'daily'));
  putObject(engine.dataRoot, 'shop', 'daily/a.csv', GOOD);
  execFileSync('mkfifo', [join(bucket, 'daily', 'b.csv')]);
  const socketServer: Server = createServer();
  await new Promise<void>((resolve) => socketServer.listen(join(bucket, 'socket.csv'), resolve));
  t.after(() => socketServer.close());

  const victim = await createDataset(engine.personalize);
  const cases = [
    { location: 's3://shop/pipe.csv', reason: /^s3:\/\/shop\/pipe\.csv is a FIFO, not a regular file/ },
    { location: 's3://shop/daily/', reason: /^s3:\/\/shop\/daily\/b\.csv is a FIFO, not a regular file/ },
    { location: 's3://shop/socket.csv', reason: /^s3:\/\/shop\/socket\.csv is a socket, not a regular file/ },
  ];
  for (const { location, reason } of cases) {
    const job = await importCsv(engine.personalize, victim, location);
    assert.equal(job.status, 'CREATE FAILED', location);
    assert.match(job.failureReason ?? '', reason);
  }
  await engine.personalize.send(new DeleteDatasetCommand({ datasetArn: victim }));
  await assertAnswersAndStops(engine);
  assert.deepEqual(
    rowsAfterExit(engine.stateDir, kept)?.map((row) => row['USER_ID']),
    ['u1', 'u2'],
    'the data of the other dataset is intact',
  );
});

test('a key never resolves outside its bucket folder, and path mistakes are user errors without server paths', async (t) => {
  const engine = await startEngineProcess(t);
  const datasetArn = await createDataset(engine.personalize);
  putObject(engine.dataRoot, 'bkt', 'good.csv', GOOD);
  putObject(engine.dataRoot, 'bkt2', 'private.csv', `${HEADER}secret-user,secret-item,1700000000,click\n`);
  assert.equal((await importCsv(engine.personalize, datasetArn, 's3://bkt/good.csv')).status, 'ACTIVE');
  const bucket = join(engine.dataRoot, 'bkt');
  symlinkSync('../bkt2/private.csv', join(bucket, 'cross.csv'));
  symlinkSync('loop.csv', join(bucket, 'loop.csv'));
  mkdirSync(join(bucket, 'linked'));
  symlinkSync('../../bkt2', join(bucket, 'linked', 'other'));

  const cases = [
    { location: 's3://bkt/cross.csv', reason: /^s3:\/\/bkt\/cross\.csv resolves outside its bucket folder/ },
    { location: 's3://bkt/loop.csv', reason: /^s3:\/\/bkt\/loop\.csv goes through a symlink loop/ },
    { location: 's3://bkt/good.csv/part.csv', reason: /a part of its key names an object, not a folder/ },
    { location: 's3://bkt/linked/other/private.csv', reason: /resolves outside its bucket folder/ },
  ];
  for (const { location, reason } of cases) {
    const job = await importCsv(engine.personalize, datasetArn, location);
    assert.equal(job.status, 'CREATE FAILED', location);
    assert.match(job.failureReason ?? '', reason, location);
    const besidesTheKey = (job.failureReason ?? '').replace(location, '');
    assert.doesNotMatch(besidesTheKey, /private|secret|bkt2/, 'names nothing in the refused target');
    assert.ok(!(job.failureReason ?? '').includes(engine.stateDir), 'no absolute server path');
  }
  await assert.rejects(
    engine.personalize.send(
      new CreateDatasetImportJobCommand({
        jobName: 'nul-key',
        datasetArn,
        dataSource: { dataLocation: 's3://bkt/a\u0000.csv' },
      }),
    ),
    (error: unknown) => error instanceof InvalidInputException && /NUL character/.test(error.message),
  );
  await assertAnswersAndStops(engine);
  assert.deepEqual(
    rowsAfterExit(engine.stateDir, datasetArn)?.map((row) => row['USER_ID']),
    ['u1', 'u2'],
  );
});
