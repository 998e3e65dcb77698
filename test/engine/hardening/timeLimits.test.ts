import {
  CreateDatasetImportJobCommand,
  DescribeDatasetImportJobCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { SIGTERM_BOUND_MS, assertAnswersAndStops, startEngineProcess } from '../../support/engineProcess.js';
import { createDataset, waitForImport } from '../../support/imports.js';
import { createSolution, importShop, trainVersion } from '../../support/shop.js';
import { waitFor } from '../../support/wait.js';

/**
 * An S3 endpoint whose objects never end: it answers GetObject with a header line and then holds
 * the body open, the way a FIFO or a dead network share would. `requests` counts the reads begun.
 */
async function endlessS3(t: { after(fn: () => unknown): void }) {
  const held: ServerResponse[] = [];
  let requests = 0;
  const server = createServer((_request: IncomingMessage, response: ServerResponse) => {
    requests++;
    response.writeHead(200, { 'content-type': 'text/csv', 'content-length': '1000000' });
    response.write('USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n');
    held.push(response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    for (const response of held) response.destroy();
    server.close();
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
  };
}

async function startImport(personalize: PersonalizeClient, datasetArn: string, jobName: string) {
  const { datasetImportJobArn = '' } = await personalize.send(
    new CreateDatasetImportJobCommand({
      jobName,
      datasetArn,
      dataSource: { dataLocation: 's3://stuck/events.csv' },
    }),
  );
  return datasetImportJobArn;
}

const describeImport = (personalize: PersonalizeClient, arn: string) =>
  personalize
    .send(new DescribeDatasetImportJobCommand({ datasetImportJobArn: arn }))
    .then((response) => response.datasetImportJob);

test('an import whose datasource never ends is CREATE FAILED at the import time limit', async (t) => {
  const s3 = await endlessS3(t);
  const engine = await startEngineProcess(t, ['--s3-endpoint', s3.endpoint, '--import-timeout', '0.5']);
  const datasetArn = await createDataset(engine.personalize);
  const job = await waitForImport(
    engine.personalize,
    await startImport(engine.personalize, datasetArn, 'endless'),
  );
  assert.equal(job.status, 'CREATE FAILED');
  assert.match(
    job.failureReason ?? '',
    /ran longer than the engine's limit of 0\.5 s \(engine --import-timeout\)/,
  );
  await assertAnswersAndStops(engine);
});

test('SIGTERM during a stuck import ends in time, starts no queued import, and leaves both interrupted', async (t) => {
  const s3 = await endlessS3(t);
  const args = ['--s3-endpoint', s3.endpoint, '--shutdown-timeout', '1'];
  const engine = await startEngineProcess(t, args);
  const datasetArn = await createDataset(engine.personalize);
  const stuck = await startImport(engine.personalize, datasetArn, 'stuck');
  await waitFor(
    async () => s3.requests(),
    (requests) => requests === 1,
  );
  const queued = await startImport(engine.personalize, datasetArn, 'queued');
  assert.equal((await describeImport(engine.personalize, queued))?.status, 'CREATE PENDING');

  const exited = once(engine.child, 'exit');
  const signalled = performance.now();
  engine.child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0, engine.stderr());
  assert.ok(performance.now() - signalled < SIGTERM_BOUND_MS);
  assert.equal(s3.requests(), 1, 'the queued import never started');

  const restarted = await startEngineProcess(t, args, engine.stateDir);
  for (const arn of [stuck, queued]) {
    const job = await describeImport(restarted.personalize, arn);
    assert.equal(job?.status, 'CREATE FAILED');
    assert.equal(job?.failureReason, 'interrupted');
  }
  await assertAnswersAndStops(restarted);
});

test('a training that runs past the training time limit is CREATE FAILED with that reason', async (t) => {
  const engine = await startEngineProcess(t, ['--training-timeout', '0.001']);
  const { datasetGroupArn } = await importShop(engine.personalize, engine.dataRoot);
  const solutionArn = await createSolution(engine.personalize, datasetGroupArn, 'limited');
  const { version } = await trainVersion(engine.personalize, solutionArn);
  assert.equal(version?.status, 'CREATE FAILED');
  assert.match(
    version?.failureReason ?? '',
    /ran longer than the engine's limit of 0\.001 s \(engine --training-timeout\)/,
  );
  await assertAnswersAndStops(engine);
});
