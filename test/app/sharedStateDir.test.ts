import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { openRetrainingApp, type RunStart } from '../../src/app/index.js';
import { ExitCodes } from '../../src/cli/exitCodes.js';
import { loadPipelineConfig } from '../../src/config/pipelineConfig.js';
import { DEMO_NAME } from '../../src/demo/demoShopSetup.js';
import { cli, demoFlags, setUpDemoShop, type DemoShop } from '../cli/support.js';
import { HeldTrainings } from '../support/trainingGate.js';
import { demoCopy, ownerApp } from './support.js';

let demo: DemoShop;
before(async () => {
  demo = await setUpDemoShop();
});
after(() => rmSync(demo.stateDir, { recursive: true, force: true }));

function started(start: RunStart) {
  assert.equal(start.kind, 'started');
  return start as Extract<RunStart, { kind: 'started' }>;
}

test("serve + run: while serve trains, run becomes its client and exits 4 (skipped); serve's run then SUCCEEDS", async (t) => {
  const copy = demoCopy(t, demo);
  const { app, held } = await ownerApp(t, copy);
  const run = started(await app.startRun({ pipelineName: DEMO_NAME }));
  await held.nextArrival();

  const second = await cli('run', ...demoFlags(copy));
  assert.equal(second.code, ExitCodes.Skipped, second.err);
  assert.match(
    second.err,
    new RegExp(
      `skipped: run ${run.execution.executionName} \\(id ${run.execution.id}\\) of this pipeline is still in progress`,
    ),
  );

  const status = await cli('status', '--state-dir', copy.stateDir);
  assert.match(
    status.out,
    new RegExp(`^owner: serve, pid ${process.pid}, since .*, engine at http://127\\.0\\.0\\.1:\\d+`, 'm'),
  );
  assert.match(status.out, /^running:\n {2}1 +demo-shop +retrain .* RUNNING /m);

  held.release();
  const result = await run.finished;
  assert.equal(result.execution.status, 'SUCCEEDED', `${result.execution.error}: ${result.execution.cause}`);
  assert.deepEqual(
    app.history().map((r) => [r.id, r.status]),
    [
      [2, 'SKIPPED'],
      [1, 'SUCCEEDED'],
    ],
  );
});

test('run + run: a second run of the pipeline while the first trains is SKIPPED (exit 4); the first SUCCEEDS', async (t) => {
  const copy = demoCopy(t, demo);
  const held = new HeldTrainings();
  // The first `run`, as the CLI opens it: it finds no owner, so it owns the state dir for its run.
  const first = await openRetrainingApp({
    stateDir: copy.stateDir,
    command: 'run',
    ownership: 'if-free',
    pipelines: [{ name: DEMO_NAME, config: loadPipelineConfig(copy.paramsFile) }],
    engine: { trainingGate: held.gate, timings: { campaignDeployMs: 0 } },
  });
  t.after(() => first.close());
  const run = started(await first.startRun({ pipelineName: DEMO_NAME }));
  assert.equal(first.role, 'owner');
  await held.nextArrival();

  const second = await cli('run', ...demoFlags(copy));
  assert.equal(second.code, ExitCodes.Skipped, second.err);
  held.release();
  assert.equal((await run.finished).execution.status, 'SUCCEEDED');
});

test('serve + rollback: a rollback during a run is SKIPPED (exit 4); afterwards it rolls back and history shows from → to', async (t) => {
  const copy = demoCopy(t, demo);
  const { app, held } = await ownerApp(t, copy);
  const servedBefore = (await app.campaign(DEMO_NAME))?.solutionVersionArn;
  const run = started(await app.startRun({ pipelineName: DEMO_NAME }));
  await held.nextArrival();
  const during = await cli('rollback', ...demoFlags(copy));
  assert.equal(during.code, ExitCodes.Skipped, during.out + during.err);
  held.release();
  const trained = (await run.finished).execution;
  assert.equal(trained.status, 'SUCCEEDED');

  const rollback = await cli('rollback', ...demoFlags(copy));
  assert.equal(rollback.code, ExitCodes.Success, rollback.err);
  assert.ok(
    rollback.out.includes(`rollback from ${trained.solutionVersionArn}\n  to ${servedBefore}`),
    rollback.out,
  );
  const [record] = app.history({ limit: 1 });
  assert.equal(record?.kind, 'rollback');
  assert.equal(record.previousSolutionVersionArn, trained.solutionVersionArn);
  assert.equal(record.solutionVersionArn, servedBefore);
  assert.equal((await app.campaign(DEMO_NAME))?.solutionVersionArn, servedBefore);
  const history = await cli('history', '--state-dir', copy.stateDir);
  const short = (arn: string | null | undefined) => arn?.split('/').pop() ?? '';
  assert.match(
    history.out,
    new RegExp(
      `^${record.id} +demo-shop +rollback .* SUCCEEDED .* ${short(trained.solutionVersionArn)}→${short(servedBefore)} `,
      'm',
    ),
  );
  // A second rollback does not undo the first: it still targets the version before the latest deployment.
  const plan = await app.planRollback(DEMO_NAME);
  assert.equal(plan.to, servedBefore);
  assert.equal(plan.from, servedBefore);
});

test("engine on a state dir that serve owns is refused, naming serve's pid and how to stop it", async (t) => {
  const copy = demoCopy(t, demo);
  await ownerApp(t, copy);
  const engine = await cli('engine', '--state-dir', copy.stateDir, '--port', '0');
  assert.equal(engine.code, 1);
  assert.match(
    engine.err,
    new RegExp(
      `is owned by process ${process.pid} \\(serve, since .*\\); engine cannot share it\\. Stop that process \\(kill ${process.pid}`,
    ),
  );
});
