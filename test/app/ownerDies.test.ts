import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { openRetrainingApp, type RunStart } from '../../src/app/index.js';
import { loadPipelineConfig } from '../../src/config/pipelineConfig.js';
import { DEMO_NAME } from '../../src/demo/demoShopSetup.js';
import { cli, demoFlags, setUpDemoShop, spawnCli, type DemoShop } from '../cli/support.js';
import { demoCopy } from './support.js';

let demo: DemoShop;
before(async () => {
  demo = await setUpDemoShop();
});
after(() => rmSync(demo.stateDir, { recursive: true, force: true }));

test('a client whose owner is killed mid-run stops at once with a clear error, loses no record, and the next run resumes it', async (t) => {
  const copy = demoCopy(t, demo);
  const owner = spawnCli(['engine', '--state-dir', copy.stateDir, '--port', '0']);
  t.after(() => owner.child.kill('SIGKILL'));
  await owner.waitForOutput(/engine listening on http:\/\/127\.0\.0\.1:\d+/);

  const client = await openRetrainingApp({
    stateDir: copy.stateDir,
    command: 'run',
    ownership: 'if-free',
    pipelines: [{ name: DEMO_NAME, config: loadPipelineConfig(copy.paramsFile) }],
  });
  t.after(() => client.close());
  let killed = false;
  const start: RunStart = await client.startRun({
    pipelineName: DEMO_NAME,
    // Killed as soon as the run is in its first state: every call after that finds no engine.
    onEvent: (event) => {
      if (event.type !== 'state' || killed) return;
      killed = true;
      owner.child.kill('SIGKILL');
    },
  });
  assert.equal(client.role, 'client');
  assert.equal(start.kind, 'started');
  if (start.kind !== 'started') return;
  const { execution } = await start.finished;
  assert.equal(execution.status, 'ABORTED', `${execution.error}: ${execution.cause}`);
  assert.match(
    execution.cause ?? '',
    new RegExp(
      `the owner of .* \\(pid ${owner.child.pid}, engine\\) stopped while this command used its engine`,
    ),
  );
  await owner.exited;
  await client.close();

  // The record is there, and the next run (now the owner itself) resumes it under its name.
  const history = await cli('history', '--state-dir', copy.stateDir);
  assert.equal(history.code, 0, history.err);
  assert.match(history.out, new RegExp(`^${execution.id} +${DEMO_NAME} +retrain .* ABORTED `, 'm'));
  const again = await cli('run', ...demoFlags(copy));
  assert.equal(again.code, 0, again.out + again.err);
  assert.match(
    again.out + again.err,
    new RegExp(`^resuming run ${execution.id} \\(aborted\\) under its name ${execution.executionName}$`, 'm'),
  );
});
