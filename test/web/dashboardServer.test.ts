import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { buildDashboard } from '../../src/web/dashboardServer.js';
import { FakeApp, NOW, record, shopRuns } from './fakeApp.js';

async function startDashboard(t: TestContext, app = new FakeApp(new Map([['shop', shopRuns()]]))) {
  const dashboard = buildDashboard({ app, token: 'secret-token', now: () => NOW });
  const url = await dashboard.listen(0, '127.0.0.1');
  t.after(() => dashboard.server.close());
  const host = new URL(url).host;
  return { app, dashboard, url, host };
}

test('the overview lists every pipeline with schedule, next run, latest run, alarm and campaign', async (t) => {
  const { url } = await startDashboard(t);
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/html/);
  assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  const page = await response.text();
  assert.match(page, /<a href="\/pipelines\/shop">shop<\/a>/);
  assert.match(page, /rate\(1 day\)/);
  assert.match(page, /FAILING/, 'the latest run failed');
  assert.match(page, /2026-03-10 13:00:00 UTC/, 'next run');
  assert.match(page, />v3</, 'what the campaign serves');
});

test('secrets in notification URLs and error texts are masked in pages and the API', async (t) => {
  const { url } = await startDashboard(t);
  const failed = shopRuns()[0];
  for (const path of ['/', '/pipelines/shop', '/api/pipelines', '/api/pipelines/shop/runs']) {
    const text = await (await fetch(`${url}${path}`)).text();
    assert.doesNotMatch(text, /hunter2|secret-path/, path);
  }
  const list = (await (await fetch(`${url}/api/pipelines/shop/runs`)).json()) as {
    runs: { cause: string }[];
  };
  assert.match(list.runs[0]?.cause ?? '', /https:\/\/hooks\.example\.com\/…/);
  assert.ok(failed);
});

test('text from runs is escaped, never markup', async (t) => {
  const { url } = await startDashboard(t);
  const id = shopRuns().length; // ids are global; find the failed run through the API instead
  assert.ok(id > 0);
  const runs = (await (await fetch(`${url}/api/pipelines/shop/runs`)).json()) as { runs: { id: number }[] };
  const page = await (await fetch(`${url}/runs/${runs.runs[0]?.id}`)).text();
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
  const api = await fetch(`${url}/api/runs/123456`);
  assert.equal(api.status, 404);
  assert.deepEqual(await api.json(), { error: 'RunNotFound', message: "there is no run with id '123456'" });
  assert.equal((await fetch(`${url}/api/pipelines/nope/runs`)).status, 404);
});

test('a foreign Host header is refused (DNS rebinding)', async (t) => {
  const { dashboard, host } = await startDashboard(t);
  const foreign = await dashboard.server.inject({
    url: '/api/pipelines',
    headers: { host: 'evil.example:80' },
  });
  assert.equal(foreign.statusCode, 421);
  const port = host.split(':')[1];
  for (const name of ['127.0.0.1', 'localhost']) {
    const ok = await dashboard.server.inject({ url: '/api/pipelines', headers: { host: `${name}:${port}` } });
    assert.equal(ok.statusCode, 200, name);
  }
});

test('actions need the token, the same origin and a same-origin fetch', async (t) => {
  const { app, url, host } = await startDashboard(t);
  const post = (headers: Record<string, string>) =>
    fetch(`${url}/api/pipelines/shop/runs`, { method: 'POST', headers });
  const refused = [
    {},
    { 'x-dashboard-token': 'wrong' },
    { 'x-dashboard-token': 'secret-token', origin: 'http://evil.example' },
    { 'x-dashboard-token': 'secret-token', 'sec-fetch-site': 'cross-site' },
  ];
  for (const headers of refused) {
    const response = await post(headers);
    assert.equal(response.status, 403, JSON.stringify(headers));
    assert.equal(((await response.json()) as { error: string }).error, 'Forbidden');
  }
  assert.deepEqual(app.started, []);
  const accepted = await post({
    'x-dashboard-token': 'secret-token',
    origin: `http://${host}`,
    'sec-fetch-site': 'same-origin',
  });
  assert.equal(accepted.status, 202);
  assert.deepEqual(await accepted.json(), { started: true, runId: 99 });
  const rollback = await fetch(`${url}/api/pipelines/shop/rollback`, {
    method: 'POST',
    headers: { 'x-dashboard-token': 'secret-token' },
  });
  assert.equal(rollback.status, 200);
  assert.deepEqual(app.started, ['shop']);
  assert.deepEqual(app.rolledBack, ['shop']);
});

test('the pipeline page has the actions with accessible names, the chart and every run', async (t) => {
  const { url } = await startDashboard(t);
  const page = await (await fetch(`${url}/pipelines/shop`)).text();
  assert.match(page, /data-action="run"[^>]*>\s*Run now\s*<\/button>/);
  assert.match(page, /<dialog id="rollback-dialog" aria-labelledby="rollback-title">/);
  assert.equal([...page.matchAll(/class="point point-/g)].length, 4, 'v0 baseline, v1, v2, v3');
  assert.equal([...page.matchAll(/<tr data-run-id=/g)].length, 4);
  assert.match(page, /<select id="metric" name="metric"/);
  assert.match(page, /<meta name="dashboard-token" content="secret-token"/);
});

test('the API lists pipelines, runs, one run and the metric series', async (t) => {
  const runs = shopRuns();
  const { url } = await startDashboard(t, new FakeApp(new Map([['shop', runs]])));
  const pipelines = (await (await fetch(`${url}/api/pipelines`)).json()) as {
    pipelines: { name: string; alarm: { state: string } }[];
  };
  assert.deepEqual(
    pipelines.pipelines.map((p) => [p.name, p.alarm.state]),
    [['shop', 'failed']],
  );
  const list = (await (await fetch(`${url}/api/pipelines/shop/runs?limit=2`)).json()) as {
    runs: { id: number; kind: string }[];
  };
  assert.deepEqual(
    list.runs.map((r) => r.id),
    runs.slice(0, 2).map((r) => r.id),
  );
  assert.equal((await fetch(`${url}/api/pipelines/shop/runs?limit=abc`)).status, 400);
  assert.equal((await fetch(`${url}/api/pipelines/shop/runs?limit=0`)).status, 400);
  const one = (await (await fetch(`${url}/api/runs/${runs[2]?.id}`)).json()) as {
    run: { output: unknown };
    steps: unknown[];
  };
  assert.deepEqual(one.run.output, { Outcome: 'REJECTED', Reason: 'regressed' });
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
  const { url } = await startDashboard(t, new FakeApp(new Map([['shop', [running, ...shopRuns()]]])));
  const page = await (await fetch(url)).text();
  assert.match(page, /<span class="current-step">WaitForTraining<\/span>/);
  assert.match(page, /data-watch="\/api\/pipelines"/);
  const runPageText = await (await fetch(`${url}/runs/${running.id}`)).text();
  assert.match(runPageText, new RegExp(`data-watch="/api/runs/${running.id}"`));
});
