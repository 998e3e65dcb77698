import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import Fastify from 'fastify';
import type { RetrainingApp, RunStart } from '../../src/app/index.js';
import { buildApiServer } from '../../src/web/apiServer.js';
import { registerDashboard } from '../../src/web/dashboardServer.js';
import { FakeQueries, NOW, record, shopRuns } from './fakeApp.js';

/** The dashboard's route group on a bare server over in-memory queries, listening on a free port. */
async function startDashboard(t: TestContext, queries = new FakeQueries(new Map([['shop', shopRuns()]]))) {
  const server = Fastify();
  registerDashboard(server, { queries, token: 'secret-token', now: () => NOW });
  await server.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => server.close());
  const address = server.server.address();
  return { queries, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

test('the overview lists every pipeline with schedule, next run, latest run, alarm and campaign', async (t) => {
  const { url } = await startDashboard(t);
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/html/);
  assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  assert.match(response.headers.get('server-timing') ?? '', /^app;dur=[0-9.]+$/);
  const page = await response.text();
  assert.match(page, /<a href="\/pipelines\/shop">shop<\/a>/);
  assert.match(page, /rate\(1 day\)/);
  assert.match(page, /FAILING/, 'the latest run failed');
  assert.match(page, /2026-03-10 13:00:00 UTC/, 'next run');
  assert.match(page, />v3</, 'what the campaign serves');
  assert.match(page, /<meta name="dashboard-token" content="secret-token"/);
});

test('secrets in notification URLs and error texts are masked in pages and the API', async (t) => {
  const { url } = await startDashboard(t);
  const failed = shopRuns()[0];
  assert.ok(failed);
  for (const path of ['/', '/pipelines/shop', '/api/pipelines/shop']) {
    const text = await (await fetch(`${url}${path}`)).text();
    assert.doesNotMatch(text, /hunter2|secret-path/, path);
  }
  const one = (await (await fetch(`${url}/api/pipelines/shop`)).json()) as {
    notification: { url: string };
    latestRun: { cause: string };
  };
  assert.equal(one.notification.url, 'https://hooks.example.com/…');
  assert.match(one.latestRun.cause, /webhook https:\/\/hooks\.example\.com\/… failed/);
});

test('text from runs is escaped, never markup', async (t) => {
  const runs = shopRuns();
  const { url } = await startDashboard(t, new FakeQueries(new Map([['shop', runs]])));
  const page = await (await fetch(`${url}/runs/${runs[0]?.id}`)).text();
  assert.match(page, /bad CSV &lt;b&gt;line 3&lt;\/b&gt;/);
});

test('unknown pipelines, runs and paths get a 404 page, and the API a JSON 404', async (t) => {
  const { url } = await startDashboard(t);
  for (const path of ['/pipelines/nope', '/runs/123456', '/runs/abc', '/nothing/here']) {
    const response = await fetch(`${url}${path}`);
    assert.equal(response.status, 404, path);
    const page = await response.text();
    assert.match(page, /<h1>Not found<\/h1>/, path);
    assert.doesNotMatch(page, /at .*\.js:\d+/, 'no stack trace');
  }
  const api = await fetch(`${url}/api/pipelines/nope/metrics`);
  assert.equal(api.status, 404);
  assert.deepEqual(await api.json(), { error: 'no pipeline named nope is configured here.' });
  assert.equal((await fetch(`${url}/api/nothing`)).status, 404);
  assert.equal((await fetch(`${url}/api/pipelines/shop/metrics?metric=Bad-Name`)).status, 400);
});

test('actions from another site are refused before the token is even looked at', async (t) => {
  const started: string[] = [];
  const app = {
    apiToken: 'secret-token',
    pipelines: () => [],
    startRun: async ({ pipelineName }: { pipelineName: string }): Promise<RunStart> => {
      started.push(pipelineName);
      return { kind: 'skipped', execution: record({ pipelineName, status: 'SKIPPED' }) };
    },
  } as unknown as RetrainingApp;
  const server = buildApiServer({ app, token: 'secret-token' });
  t.after(() => server.close());
  const post = (headers: Record<string, string>) =>
    server.inject({
      method: 'POST',
      url: '/api/pipelines/shop/runs',
      headers: { host: 'localhost', authorization: 'Bearer secret-token', ...headers },
    });
  for (const headers of [{ origin: 'http://evil.example' }, { 'sec-fetch-site': 'cross-site' }]) {
    const response = await post(headers);
    assert.equal(response.statusCode, 403, JSON.stringify(headers));
    assert.match(response.json<{ error: string }>().error, /refused/);
  }
  assert.deepEqual(started, []);
  const ownPage = await post({ origin: 'http://localhost', 'sec-fetch-site': 'same-origin' });
  assert.equal(ownPage.statusCode, 200);
  const script = await post({});
  assert.equal(script.statusCode, 200);
  assert.deepEqual(started, ['shop', 'shop']);
});

test('the pipeline page has the actions with accessible names, the chart and every run', async (t) => {
  const { url } = await startDashboard(t);
  const page = await (await fetch(`${url}/pipelines/shop`)).text();
  assert.match(page, /data-action="run"[^>]*>\s*Run now\s*<\/button>/);
  assert.match(page, /<dialog id="rollback-dialog" aria-labelledby="rollback-title">/);
  assert.equal([...page.matchAll(/class="point point-/g)].length, 4, 'v0 baseline, v1, v2, v3');
  assert.equal([...page.matchAll(/<tr data-run-id=/g)].length, 4);
  assert.match(page, /<select id="metric" name="metric"/);
});

test('the API has one pipeline with its campaign, and the metric series of any recorded metric', async (t) => {
  const { url } = await startDashboard(t);
  const one = (await (await fetch(`${url}/api/pipelines/shop`)).json()) as {
    alarm: { state: string };
    campaign: { solutionVersionArn: string };
  };
  assert.equal(one.alarm.state, 'failed');
  assert.match(one.campaign.solutionVersionArn, /v3$/);
  const series = (await (await fetch(`${url}/api/pipelines/shop/metrics?metric=coverage`)).json()) as {
    metric: string;
    points: { outcome: string; value: number }[];
  };
  assert.equal(series.metric, 'coverage');
  assert.deepEqual(
    series.points.map((p) => [p.outcome, p.value]),
    [
      ['baseline', 0.125],
      ['deployed', 0.15],
      ['rejected', 0.1],
      ['deployed', 0.155],
    ],
  );
});

test('a running pipeline shows its current step and the page watches for changes', async (t) => {
  const running = record({ pipelineName: 'shop', status: 'RUNNING', endedAt: null, startedAt: NOW - 5000 });
  const { url } = await startDashboard(t, new FakeQueries(new Map([['shop', [running, ...shopRuns()]]])));
  const page = await (await fetch(url)).text();
  assert.match(page, /<span class="current-step">WaitForTraining<\/span>/);
  assert.match(page, /data-watch="\/api\/pipelines"/);
  const runPageText = await (await fetch(`${url}/runs/${running.id}`)).text();
  assert.match(runPageText, new RegExp(`data-watch="/api/runs/${running.id}"`));
});
