import { ListDatasetGroupsCommand } from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestEngine } from '../support/engine.js';

// Start-up time is a bar measured in bench/import.ts, not asserted here: timings flake on shared machines.
test('the engine listens on 127.0.0.1 by default and answers the official SDK client', async (t) => {
  const { engine, personalize } = await startTestEngine(t);
  const { datasetGroups } = await personalize.send(new ListDatasetGroupsCommand({}));
  assert.deepEqual(datasetGroups, []);
  assert.match(engine.url, /^http:\/\/127\.0\.0\.1:\d+$/);
});

test('a request without a known X-Amz-Target gets the service error shape', async (t) => {
  const { engine } = await startTestEngine(t);
  const response = await fetch(engine.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonPersonalize.NoSuchThing',
    },
    body: '{}',
  });
  assert.equal(response.status, 400);
  assert.equal(response.headers.get('x-amzn-errortype'), 'UnknownOperationException');
  const body = (await response.json()) as { __type: string; message: string };
  assert.equal(body.__type, 'UnknownOperationException');
  assert.match(body.message, /NoSuchThing/);
});
