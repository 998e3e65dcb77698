import {
  CreateDatasetImportJobCommand,
  DescribeDatasetImportJobCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeInteractionsCsv } from '../../bench/interactionsCsv.js';
import { DATABASE_FILE } from '../../src/engine/store/database.js';
import { makeTempDir, sdkClientConfig, startTestEngine } from '../support/engine.js';
import { createDataset, importCsv, putObject, readRows } from '../support/imports.js';

const CLI = fileURLToPath(new URL('../../../bin/personalize-retrain.js', import.meta.url));

test('a job in progress when the engine process dies is CREATE FAILED "interrupted" after restart, with the old data intact', async (t) => {
  const stateDir = makeTempDir();
  const dataRoot = join(stateDir, 'data');
  const child = spawn(process.execPath, [CLI, 'engine', '--port', '0', '--state-dir', stateDir], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  t.after(() => child.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`engine exited early with code ${code}`)));
  });
  const personalize = new PersonalizeClient(sdkClientConfig(url));
  t.after(() => personalize.destroy());
  const datasetArn = await createDataset(personalize);
  putObject(dataRoot, 'shop', 'small.csv', 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nu1,i1,1700000000,click\n');
  assert.equal((await importCsv(personalize, datasetArn, 's3://shop/small.csv')).status, 'ACTIVE');
  putObject(dataRoot, 'shop', 'big.csv', '');
  await writeInteractionsCsv(join(dataRoot, 'shop', 'big.csv'), 2_000_000);

  const { datasetImportJobArn } = await personalize.send(
    new CreateDatasetImportJobCommand({
      jobName: 'big',
      datasetArn,
      dataSource: { dataLocation: 's3://shop/big.csv' },
    }),
  );
  // Kill the process once the import has written part of its new version.
  const observer = new Database(join(stateDir, DATABASE_FILE), { readonly: true });
  t.after(() => observer.close());
  for (;;) {
    const written = observer
      .prepare(
        `SELECT COUNT(*) AS n FROM dataset_chunks c JOIN dataset_versions v ON v.id = c.version_id WHERE v.state = 'writing'`,
      )
      .get() as { n: number };
    if (written.n > 0) break;
    const { datasetImportJob } = await personalize.send(
      new DescribeDatasetImportJobCommand({ datasetImportJobArn }),
    );
    assert.notEqual(datasetImportJob?.status, 'ACTIVE', 'the import finished before it could be interrupted');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;

  const { personalize: restarted, engine } = await startTestEngine(t, { stateDir });
  const { datasetImportJob } = await restarted.send(
    new DescribeDatasetImportJobCommand({ datasetImportJobArn }),
  );
  assert.equal(datasetImportJob?.status, 'CREATE FAILED');
  assert.equal(datasetImportJob?.failureReason, 'interrupted');
  assert.deepEqual(readRows(engine.ctx.db, datasetArn), [
    { USER_ID: 'u1', ITEM_ID: 'i1', TIMESTAMP: 1700000000, EVENT_TYPE: 'click', EVENT_VALUE: null },
  ]);
  const leftovers = engine.ctx.db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM dataset_versions) AS versions, (SELECT COUNT(*) FROM dataset_chunks) AS chunks`,
    )
    .get() as { versions: number; chunks: number };
  assert.deepEqual(
    leftovers,
    { versions: 1, chunks: 5 },
    'only the committed version (5 columns, 1 chunk) remains',
  );
});
