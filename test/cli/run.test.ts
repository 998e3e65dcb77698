import { DescribeCampaignCommand } from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { ExitCodes } from '../../src/cli/exitCodes.js';
import { DEMO_NAME } from '../../src/demo/demoShopSetup.js';
import {
  EXECUTIONS_FILE,
  openExecutionStore,
  type ExecutionRecord,
  type StateVisit,
} from '../../src/pipeline/executions/index.js';
import { makeTempDir } from '../support/engine.js';
import {
  cli,
  copyDemoShop,
  demoFlags,
  openEngine,
  setUpDemoShop,
  writeParamsVariant,
  type DemoShop,
} from './support.js';

let demo: DemoShop;
before(async () => {
  demo = await setUpDemoShop();
});
after(() => rmSync(demo.stateDir, { recursive: true, force: true }));

function freshCopy(t: Pick<TestContext, 'after'>): DemoShop {
  const copy = copyDemoShop(demo);
  t.after(() => rmSync(copy.stateDir, { recursive: true, force: true }));
  return copy;
}

async function servedVersion(copy: DemoShop): Promise<string | undefined> {
  const { personalize, close } = await openEngine(copy.stateDir);
  try {
    const { campaign } = await personalize.send(
      new DescribeCampaignCommand({ campaignArn: copy.resources.campaignArn }),
    );
    return campaign?.solutionVersionArn;
  } finally {
    await close();
  }
}

function runs(copy: DemoShop): ExecutionRecord[] {
  const store = openExecutionStore(join(copy.stateDir, EXECUTIONS_FILE));
  try {
    return store.list();
  } finally {
    store.close();
  }
}

test('run on a parameters file with problems exits 2 and names each one with file:line, before touching the state dir', async () => {
  const dir = makeTempDir('pr-cli-bad-');
  const file = join(dir, 'parameters.cfg');
  writeFileSync(
    file,
    [
      '# a pipeline with problems',
      'ImportRoleArn=arn:aws:iam::000000000000:role/PersonalizeImport',
      'UserDatasetArn=arn:aws:personalize:us-east-1:000000000000:dataset/shop/USERS',
      'PollInterval=soon',
      'RetrainingRate=every tuesday',
      'this line is not a setting',
    ].join('\n'),
  );
  const stateDir = join(dir, 'state');
  try {
    const { code, out, err } = await cli('run', '--params', file, '--state-dir', stateDir);
    assert.equal(code, ExitCodes.InvalidInput);
    assert.equal(out, '');
    assert.match(err, new RegExp(`^error: ${file} has 5 problems:$`, 'm'));
    for (const where of [
      `${file} SolutionArn: is required`,
      `${file}:3 UserDatasetArn: is set but S3UserDatasourcePath is not`,
      `${file}:4 PollInterval: 'soon'`,
      `${file}:5 RetrainingRate: 'every tuesday'`,
      `${file}:6 this line is not a setting:`,
    ]) {
      assert.ok(err.includes(where), `${err}\nshould say: ${where}`);
    }
    assert.match(err, /Fix: /);
    assert.equal(existsSync(stateDir), false, 'no engine was started');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('a run that succeeds, then a rollback', () => {
  let copy: DemoShop;
  let servedBefore: string | undefined;
  let run: ExecutionRecord;
  before(async () => {
    copy = copyDemoShop(demo);
    servedBefore = await servedVersion(copy);
  });
  after(() => rmSync(copy.stateDir, { recursive: true, force: true }));

  test('run --json exits 0 and prints the execution record and its steps as JSON', async () => {
    const { code, out, err } = await cli('run', ...demoFlags(copy), '--json');
    assert.equal(code, ExitCodes.Success, err);
    const printed = JSON.parse(out) as { execution: ExecutionRecord; steps: StateVisit[] };
    assert.equal(printed.execution.status, 'SUCCEEDED');
    assert.equal(printed.execution.pipelineName, DEMO_NAME);
    assert.equal(printed.execution.previousSolutionVersionArn, servedBefore);
    assert.ok(
      printed.steps.some((step) => step.stateName === 'UpdateCampaign' && step.outcome === 'SUCCEEDED'),
    );
    [run] = runs(copy) as [ExecutionRecord];
    assert.deepEqual(printed.execution, run);
    assert.equal(await servedVersion(copy), run.solutionVersionArn);
  });

  test('rollback puts the campaign back on the version served before the latest run and records it as a run', async () => {
    const { code, out, err } = await cli('rollback', ...demoFlags(copy));
    assert.equal(code, ExitCodes.Success, err);
    assert.match(out, /^demo-shop run rollback-\S+: SUCCEEDED in /m);
    assert.ok(out.includes(`campaign now serves: ${servedBefore}`), out);
    assert.equal(await servedVersion(copy), servedBefore);
    const [rollback] = runs(copy);
    assert.equal(rollback?.status, 'SUCCEEDED');
    assert.match(rollback.executionName, /^rollback-/);

    const again = await cli('rollback', ...demoFlags(copy));
    assert.equal(again.code, ExitCodes.Success);
    assert.match(again.out, /already serves .*; nothing to roll back/);
  });
});

test('run exits 3 when the new model is rejected by the gate, and the campaign keeps its version', async (t) => {
  const copy = freshCopy(t);
  const params = writeParamsVariant(copy, 'strict-gate', { GateMinimum: '0.99' });
  const servedBefore = await servedVersion(copy);
  const { code, out } = await cli('run', ...demoFlags(copy, params));
  assert.equal(code, ExitCodes.Rejected, out);
  assert.match(out, /^demo-shop run \S+: REJECTED in /m);
  assert.match(
    out,
    /error: Pipeline\.Rejected: normalized_discounted_cumulative_gain_at_10 of the new version is 0\.\d+, below GateMinimum 0\.99; the campaign keeps its version\./,
  );
  assert.equal(runs(copy)[0]?.status, 'REJECTED');
  assert.equal(await servedVersion(copy), servedBefore);
});

test('run exits 1 when an import fails, and prints why', async (t) => {
  const copy = freshCopy(t);
  const params = writeParamsVariant(copy, 'missing-export', {
    S3UserInteractionDatasourcePath: 's3://demo-shop/missing.csv',
  });
  const { code, out } = await cli('run', ...demoFlags(copy, params));
  assert.equal(code, ExitCodes.Failed, out);
  assert.match(out, /^demo-shop run \S+: FAILED in /m);
  const [failed] = runs(copy);
  assert.equal(failed?.status, 'FAILED');
  assert.match(failed.cause ?? '', /missing\.csv/);
  assert.ok(out.includes(`error: ${failed.error}: ${failed.cause}`), out);
});

test('run exits 4 and records SKIPPED while a live process runs the same pipeline', async (t) => {
  const copy = freshCopy(t);
  const store = openExecutionStore(join(copy.stateDir, EXECUTIONS_FILE));
  // Owned by this (live) process, as a `serve` in another terminal would own its run.
  const live = store.begin({ pipelineName: DEMO_NAME, executionName: 'nightly-run', target: 'local' });
  store.close();

  const { code, err } = await cli('run', ...demoFlags(copy));

  assert.equal(code, ExitCodes.Skipped);
  const reason = `run nightly-run (id ${live.id}) of this pipeline is still in progress`;
  assert.ok(err.includes(`skipped: ${reason}\n`), err);
  const [skipped, running] = runs(copy);
  assert.equal(skipped?.status, 'SKIPPED');
  assert.equal(skipped.cause, reason);
  assert.deepEqual([running?.id, running?.status], [live.id, 'RUNNING']);
  const status = await cli('status', '--state-dir', copy.stateDir);
  assert.match(status.out, /^running:\n {2}\d+ +demo-shop .* RUNNING /m);
});
