import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { OwnerRecord } from '../../src/app/index.js';
import { ExitCodes } from '../../src/cli/exitCodes.js';
import { cli, copyDemoShop, demoFlags, setUpDemoShop, spawnCli, type DemoShop } from './support.js';

let demo: DemoShop;
before(async () => {
  demo = await setUpDemoShop();
});
after(() => rmSync(demo.stateDir, { recursive: true, force: true }));

test('serve in its own process: prints each outcome and the next fire time, owns the state dir for other commands, and says what Ctrl-C did', async (t) => {
  const copy = copyDemoShop(demo);
  t.after(() => rmSync(copy.stateDir, { recursive: true, force: true }));
  const serve = spawnCli(['serve', ...demoFlags(copy), '--run-now', '--port', '0']);
  t.after(() => serve.child.kill('SIGKILL'));

  await serve.waitForOutput(/API at http:\/\/127\.0\.0\.1:\d+\/api\//);
  const finished = await serve.waitForOutput(/^\d+ +demo-shop +retrain .*$/m);
  assert.match(finished, / SUCCEEDED /);
  await serve.waitForOutput(/^notified: demo-shop: retraining succeeded$/m);
  await serve.waitForOutput(/^ {2}demo-shop: next run \d{4}-\d\d-\d\dT/m);

  // Another process on the same state dir is a client of serve; engine is refused and told who owns it.
  const record = JSON.parse(readFileSync(join(copy.stateDir, 'owner.json'), 'utf8')) as OwnerRecord;
  assert.equal(record.pid, serve.child.pid);
  assert.equal(record.command, 'serve');
  const status = await cli('status', '--state-dir', copy.stateDir);
  assert.match(
    status.out,
    new RegExp(`^owner: serve, pid ${serve.child.pid}, .*API at http://127\\.0\\.0\\.1:\\d+`, 'm'),
  );
  const engine = await cli('engine', '--state-dir', copy.stateDir, '--port', '0');
  assert.equal(engine.code, ExitCodes.Failed);
  assert.match(engine.err, new RegExp(`owned by process ${serve.child.pid} \\(serve, `));
  const api = await fetch(`${record.apiEndpoint ?? ''}/api/runs`);
  assert.equal(((await api.json()) as unknown[]).length, 1);

  serve.child.kill('SIGINT');
  const { code } = await serve.exited;
  assert.equal(code, 0, serve.output());
  assert.match(serve.output(), /^stopping: no run in progress\nstopped\n/m);
});
