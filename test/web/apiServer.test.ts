import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { ExecutionRecord, RunDetail, StatusReport } from '../../src/app/index.js';
import { DEMO_NAME } from '../../src/demo/demoShopSetup.js';
import { buildApiServer } from '../../src/web/apiServer.js';
import { demoCopy, ownerApp } from '../app/support.js';
import { setUpDemoShop, type DemoShop } from '../cli/support.js';

let demo: DemoShop;
before(async () => {
  demo = await setUpDemoShop();
});
after(() => rmSync(demo.stateDir, { recursive: true, force: true }));

test('the API answers only requests addressed to loopback, and changes state only with the owner token', async (t) => {
  const copy = demoCopy(t, demo);
  const { app, held } = await ownerApp(t, copy);
  const server = buildApiServer({ app, token: app.apiToken ?? '' });
  t.after(() => server.close());
  const local = { host: '127.0.0.1' };

  const foreign = await server.inject({ url: '/api/status', headers: { host: 'attacker.example' } });
  assert.equal(foreign.statusCode, 403);
  assert.match(foreign.json<{ error: string }>().error, /must be addressed to 127\.0\.0\.1 or localhost/);

  const anonymous = await server.inject({
    method: 'POST',
    url: `/api/pipelines/${DEMO_NAME}/runs`,
    headers: local,
  });
  assert.equal(anonymous.statusCode, 401);
  const wrong = await server.inject({
    method: 'POST',
    url: `/api/pipelines/${DEMO_NAME}/runs`,
    headers: { ...local, authorization: 'Bearer nope' },
  });
  assert.equal(wrong.statusCode, 401);
  assert.deepEqual(app.history(), [], 'nothing was started');

  const authorized = { ...local, authorization: `Bearer ${app.apiToken ?? ''}` };
  const start = await server.inject({
    method: 'POST',
    url: `/api/pipelines/${DEMO_NAME}/runs`,
    headers: authorized,
  });
  assert.equal(start.statusCode, 202);
  const { execution } = start.json<{ kind: string; execution: ExecutionRecord }>();
  assert.equal(execution.status, 'RUNNING');
  await held.nextArrival();

  const status = (
    await server.inject({ url: '/api/status', headers: { host: 'localhost' } })
  ).json<StatusReport>();
  assert.equal(status.role, 'owner');
  assert.equal(status.owner?.pid, process.pid);
  assert.equal(Object.hasOwn(status.owner ?? {}, 'token'), false, 'the token is never served');
  assert.deepEqual(
    status.pipelines.map((p) => [p.name, p.hosted, p.running.map((r) => r.id)]),
    [[DEMO_NAME, true, [execution.id]]],
  );
  const again = await server.inject({
    method: 'POST',
    url: `/api/pipelines/${DEMO_NAME}/runs`,
    headers: authorized,
  });
  assert.equal(again.statusCode, 200);
  assert.equal(again.json<{ kind: string }>().kind, 'skipped');

  const detail = (
    await server.inject({ url: `/api/runs/${execution.id}`, headers: local })
  ).json<RunDetail>();
  assert.equal(detail.execution.id, execution.id);
  assert.ok(detail.visits.some((visit) => visit.stateName === 'CreateSolutionVersion'));
  assert.equal((await server.inject({ url: '/api/runs/999', headers: local })).statusCode, 404);
  assert.equal((await server.inject({ url: '/api/runs?limit=0', headers: local })).statusCode, 400);
  assert.equal(
    (await server.inject({ url: '/api/pipelines/nope/campaign', headers: local })).statusCode,
    404,
  );
  const campaign = await server.inject({ url: `/api/pipelines/${DEMO_NAME}/campaign`, headers: local });
  assert.equal(campaign.json<{ campaignArn: string }>().campaignArn, copy.resources.campaignArn);
  held.release();
});
