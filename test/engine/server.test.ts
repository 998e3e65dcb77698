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

test('whatever the HTTP layer refuses still answers in the service shape, which SDKs turn into modelled errors', async (t) => {
  const { engine } = await startTestEngine(t);
  const post = (path: string, body: string | Buffer, contentType: string, target?: string) =>
    fetch(`${engine.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(target ? { 'x-amz-target': target } : {}) },
      body,
    });
  const cases: [string, Promise<Response>, number, string, RegExp][] = [
    [
      'invalid JSON (control plane)',
      post('/', '{"name": ', 'application/x-amz-json-1.1', 'AmazonPersonalize.ListDatasetGroups'),
      400,
      'InvalidInputException',
      /not valid JSON/,
    ],
    [
      'invalid JSON (runtime)',
      post('/recommendations', '{oops', 'application/json'),
      400,
      'InvalidInputException',
      /not valid JSON/,
    ],
    [
      'invalid JSON (events)',
      post('/events', '[', 'application/json'),
      400,
      'InvalidInputException',
      /not valid JSON/,
    ],
    ['wrong content type', post('/', 'name=x', 'text/plain'), 400, 'InvalidInputException', /Media Type/],
    [
      'a body over the limit',
      post('/events', Buffer.alloc(2 * 1024 * 1024, 0x20), 'application/json'),
      413,
      'InvalidInputException',
      /larger than the engine's bound/,
    ],
    [
      'an unknown route',
      post('/no-such-api', '{}', 'application/json'),
      400,
      'UnknownOperationException',
      /POST \/no-such-api/,
    ],
  ];
  for (const [what, pending, status, type, message] of cases) {
    const response = await pending;
    assert.equal(response.status, status, what);
    assert.equal(response.headers.get('x-amzn-errortype'), type, what);
    const body = (await response.json()) as { __type: string; message: string };
    assert.equal(body.__type, type, what);
    assert.match(body.message, message, what);
    assert.ok(!('statusCode' in body), `${what}: not Fastify's own error JSON`);
  }
  const get = await fetch(`${engine.url}/recommendations`);
  assert.equal(get.headers.get('x-amzn-errortype'), 'UnknownOperationException');
});
