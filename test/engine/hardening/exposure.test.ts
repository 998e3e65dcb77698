import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { waitFor } from '../../support/wait.js';
import { assertAnswersAndStops, startEngineProcess } from '../../support/engineProcess.js';

/** A raw request with a chosen Host header, which fetch would not let us set. */
function post(port: number, path: string, host: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { host, 'content-type': 'application/x-amz-json-1.1', ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['x-amzn-errortype'] as string, body }),
        );
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

const ROUTES = ['/', '/recommendations', '/personalize-ranking', '/events', '/dashboard', '/api/status'];
const LIST_GROUPS = { 'x-amz-target': 'AmazonPersonalize.ListDatasetGroups' };

test('a Host header that does not name the engine is refused on every route (DNS rebinding)', async (t) => {
  const engine = await startEngineProcess(t, ['--allowed-host', 'engine.test']);
  for (const path of ROUTES) {
    const refused = await post(engine.port, path, `rebound.example:${engine.port}`, LIST_GROUPS);
    assert.equal(refused.status, 403, path);
    assert.equal(refused.type, 'AccessDeniedException', path);
    assert.match(refused.body, /does not name this engine/);
  }
  for (const host of [`127.0.0.1:${engine.port}`, `localhost:${engine.port}`, `engine.test:${engine.port}`]) {
    const allowed = await post(engine.port, '/', host, LIST_GROUPS);
    assert.equal(allowed.status, 200, host);
  }
  assert.equal((await post(engine.port, '/', `localhost:1`, LIST_GROUPS)).status, 403, 'another port');
  await assertAnswersAndStops(engine);
});

test('bound to every interface, the engine warns on stderr and in its log that it has no authentication', async (t) => {
  const engine = await startEngineProcess(t, ['--host', '0.0.0.0']);
  // The plain warning and the log line come from different writers to stderr; the process is
  // reported started by its stdout, which may come first under load: wait for both lines.
  const hasBoth = (text: string) =>
    /^warning: .*no authentication/m.test(text) && /^\{.*"level":40.*no authentication/m.test(text);
  await waitFor(() => Promise.resolve(engine.stderr()), hasBoth).catch(() => undefined);
  const warnings = engine.stderr().split('\n');
  assert.ok(
    warnings.some((line) => /^warning: .*0\.0\.0\.0.*no authentication/.test(line)),
    `plain warning missing from stderr:\n${engine.stderr()}`,
  );
  assert.ok(
    warnings.some((line) => line.startsWith('{') && /"level":40.*no authentication/.test(line)),
    'log line missing',
  );
  const answered = await post(engine.port, '/', `127.0.0.1:${engine.port}`, LIST_GROUPS);
  assert.equal(answered.status, 200);
  await assertAnswersAndStops(engine);
});
