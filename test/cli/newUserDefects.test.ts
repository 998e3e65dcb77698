import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ExitCodes } from '../../src/cli/exitCodes.js';
import { makeTempDir } from '../support/engine.js';
import { cli, copyDemoShop, demoFlags, setUpDemoShop, type DemoShop } from './support.js';

let demo: DemoShop;
before(async () => {
  demo = await setUpDemoShop();
});
after(() => rmSync(demo.stateDir, { recursive: true, force: true }));

test('--port abc is a usage error (exit 2), for engine and serve alike, without a stack trace', async () => {
  for (const command of ['engine', 'serve']) {
    const result = await cli(command, '--port', 'abc');
    assert.equal(result.code, ExitCodes.InvalidInput, command);
    assert.match(result.err, /--port must be a whole number from 0 to 65535, got 'abc'/);
    assert.doesNotMatch(result.err, /\n\s+at /);
  }
});

test('a port in use is a clear error (exit 2) naming the port and the fix, not a stack trace', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const { port } = blocker.address() as AddressInfo;
  const stateDir = makeTempDir('pr-port-');
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const result = await cli('engine', '--port', String(port), '--state-dir', stateDir);
  assert.equal(result.code, ExitCodes.InvalidInput);
  assert.equal(
    result.err,
    `error: port ${port} on 127.0.0.1 is already in use by another program: pass --port with a free port, or --port 0 to pick one.\n`,
  );
});

test('a --state-dir that is a file, or cannot be created, is a clear error with exit 2 (and never hangs)', async (t) => {
  const dir = makeTempDir('pr-statedir-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a folder');
  const onFile = await cli('run', ...demoFlags(demo).slice(0, 4), '--state-dir', file);
  assert.equal(onFile.code, ExitCodes.InvalidInput);
  assert.match(
    onFile.err,
    /the state dir .*a-file is a file, not a folder: pass --state-dir with a folder\./,
  );
  const status = await cli('status', '--state-dir', file);
  assert.equal(status.code, ExitCodes.InvalidInput);

  const impossible = await cli('run', ...demoFlags(demo).slice(0, 4), '--state-dir', '/proc/nope');
  assert.equal(impossible.code, ExitCodes.InvalidInput);
  assert.match(
    impossible.err,
    /cannot create the state dir \/proc\/nope \(ENOENT\): pass --state-dir with a folder you can write\./,
  );
});

test('history: an unknown --stack-name names the pipelines that have runs; --limit must be a whole number; a missing state dir is not created', async (t) => {
  const copy = copyDemoShop(demo);
  t.after(() => rmSync(copy.stateDir, { recursive: true, force: true }));
  const run = await cli('run', ...demoFlags(copy));
  assert.equal(run.code, ExitCodes.Success, run.err);
  // Every outcome's notification is shown, one line, without LOG_LEVEL.
  assert.match(run.err, /^notified: demo-shop: retraining succeeded$/m);

  const nope = await cli('history', '--stack-name', 'nope', '--state-dir', copy.stateDir);
  assert.equal(nope.code, ExitCodes.Success);
  assert.equal(nope.out, `no runs of pipeline nope in ${copy.stateDir}; pipelines with runs: demo-shop.\n`);
  for (const limit of ['0', 'abc', '-1', '2.5']) {
    const bad = await cli('history', '--limit', limit, '--state-dir', copy.stateDir);
    assert.equal(bad.code, ExitCodes.InvalidInput, limit);
    assert.match(bad.err, /--limit must be a whole number from 1/);
  }
  const missing = join(copy.stateDir, 'does', 'not', 'exist');
  const none = await cli('history', '--state-dir', missing);
  assert.equal(none.code, ExitCodes.Success);
  assert.match(none.out, /does not exist/);
  assert.equal(existsSync(missing), false, 'history created nothing');
});

test("history shows the GateMetric of the pipeline's parameters file in the metric column", async (t) => {
  const copy = copyDemoShop(demo);
  t.after(() => rmSync(copy.stateDir, { recursive: true, force: true }));
  const params = join(copy.stateDir, 'precision.cfg');
  writeFileSync(
    params,
    readFileSync(copy.paramsFile, 'utf8').replace(/^GateMetric=.*$/m, 'GateMetric=precision_at_10'),
  );
  const run = await cli('run', ...demoFlags(copy, params));
  assert.equal(run.code, ExitCodes.Success, run.err);
  const history = await cli('history', '--state-dir', copy.stateDir, '--params', params);
  assert.match(history.out, /PRECISION@10 \(BEFORE → NEW\)/);
});

test('the parameters file the demo writes says the command that works: with its --stack-name and --state-dir', () => {
  const text = readFileSync(demo.paramsFile, 'utf8');
  assert.ok(
    text.includes(
      `# Run it again with: npx personalize-retrain run --params ${demo.paramsFile} --stack-name demo-shop --state-dir ${demo.stateDir}\n`,
    ),
    text,
  );
});
