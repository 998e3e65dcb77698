import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAnswersAndStops, startEngineProcess } from '../../support/engineProcess.js';
import { createDataset, importCsv, putObject } from '../../support/imports.js';

/** A control-plane call with a raw body, as a hostile client would send it. */
async function call(url: string, operation: string, body: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonPersonalize.${operation}`,
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as { __type: string; message: string } };
}

test('deep, huge and long input is refused at the edge with a short message, never a 500', async (t) => {
  const engine = await startEngineProcess(t);
  const group = JSON.stringify('arn:aws:personalize:us-east-1:000000000000:dataset-group/none');
  const depth = 10_000;
  const deep = await call(
    engine.url,
    'CreateSolution',
    `{"name":"deep","datasetGroupArn":${group},"solutionConfig":{"hpoConfig":` +
      `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`,
  );
  assert.equal(deep.status, 400);
  assert.equal(deep.body.__type, 'InvalidInputException');
  assert.match(deep.body.message, /nest objects or arrays more than 16 levels/);
  assert.ok(deep.body.message.length < 600, `message of ${deep.body.message.length} characters`);

  const megabyteName = await call(
    engine.url,
    'CreateDatasetGroup',
    JSON.stringify({ name: 'n'.repeat(1e6) }),
  );
  assert.equal(megabyteName.status, 400);
  assert.ok(megabyteName.body.message.length < 300, `message of ${megabyteName.body.message.length}`);

  const longName = await call(engine.url, 'CreateDatasetGroup', JSON.stringify({ name: 'n'.repeat(30_000) }));
  assert.equal(longName.body.__type, 'InvalidInputException');
  assert.ok(longName.body.message.includes(`${'n'.repeat(200)}… (30000 characters)`));
  assert.ok(longName.body.message.length < 600);

  const tooLarge = await call(
    engine.url,
    'CreateDatasetGroup',
    JSON.stringify({ name: 'x', pad: 'p'.repeat(2e6) }),
  );
  assert.equal(tooLarge.status, 413);
  assert.equal(tooLarge.body.__type, 'InvalidInputException');

  const tag = await call(
    engine.url,
    'CreateDatasetGroup',
    JSON.stringify({ name: 'tagged', tags: [{ tagKey: 'k'.repeat(129), tagValue: 'v' }] }),
  );
  assert.match(tag.body.message, /tags\[0\]\.tagKey.*less than or equal to 128/, "the service's limit");

  const manyErrors = await call(
    engine.url,
    'CreateDatasetGroup',
    JSON.stringify({ name: 'x', tags: Array.from({ length: 500 }, () => ({ tagKey: 1 })) }),
  );
  assert.equal(manyErrors.status, 400);
  assert.match(manyErrors.body.message, /and \d+ more$/);

  const datasetArn = await createDataset(engine.personalize);
  const column = 'C'.repeat(1_000_000);
  putObject(
    engine.dataRoot,
    'shop',
    'wide.csv',
    `USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,${column}\nu,i,1,click,x\n`,
  );
  const job = await importCsv(engine.personalize, datasetArn, 's3://shop/wide.csv');
  assert.equal(job.status, 'CREATE FAILED');
  assert.match(job.failureReason ?? '', /column 'C{200}… \(1000000 characters\)' is not a field/);
  assert.ok((job.failureReason ?? '').length < 1200, `failureReason of ${job.failureReason?.length}`);

  await assertAnswersAndStops(engine);
});
