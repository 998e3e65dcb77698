import { DescribeCampaignCommand } from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadPipelineConfig } from '../../src/config/pipelineConfig.js';
import type { ExecutionRecord } from '../../src/pipeline/executions/index.js';
import { makeTempDir } from '../support/engine.js';
import { cli, openEngine, spawnCli } from './support.js';

const GATE_METRIC = 'normalized_discounted_cumulative_gain_at_10';

// The demo as a newcomer runs it: the compiled bin in its own process, once for the whole file.
const stateDir = makeTempDir('pr-demo-');
const paramsFile = join(stateDir, 'demo-shop', 'parameters.cfg');
let demo: { code: number | null; output: string };

before(async () => {
  const child = spawnCli(['demo', '--state-dir', stateDir]);
  const { code } = await child.exited;
  demo = { code, output: child.output() };
});
after(() => rmSync(stateDir, { recursive: true, force: true }));

test('demo exits 0 after a SUCCEEDED retraining cycle and says what to run next', () => {
  assert.equal(demo.code, 0, demo.output);
  assert.match(demo.output, /^demo-shop run \S+: SUCCEEDED in /m);
  assert.match(
    demo.output,
    new RegExp(`${GATE_METRIC}: \\d\\.\\d{4} \\(served before\\) → \\d\\.\\d{4} \\(new\\)`),
  );
  assert.match(demo.output, /The campaign now serves arn:aws:personalize:/);
  assert.match(demo.output, /Top picks for user-\d+: item-\d+ \(\w+\)/);
  for (const next of ['history', 'run', 'serve', 'rollback']) {
    assert.match(demo.output, new RegExp(`npx personalize-retrain ${next} .*--state-dir ${stateDir}`), next);
  }
  assert.ok(demo.output.includes(`run --params ${paramsFile}`));
});

test('the parameters file the demo wrote is valid', async () => {
  assert.ok(existsSync(paramsFile));
  const { code, out, err } = await cli('validate', '--params', paramsFile, '--stack-name', 'demo-shop');
  assert.equal(code, 0, err);
  assert.match(out, /is valid\. Pipeline demo-shop will:/);
  assert.match(out, /import interactions from s3:\/\/demo-shop\/interactions\.csv/);
});

test('history --json lists the one SUCCEEDED run with the new metrics and those of the version served before', async () => {
  const { code, out } = await cli('history', '--json', '--state-dir', stateDir);
  assert.equal(code, 0);
  const runs = JSON.parse(out) as ExecutionRecord[];
  assert.equal(runs.length, 1);
  const [run] = runs as [ExecutionRecord];
  assert.equal(run.status, 'SUCCEEDED');
  assert.equal(run.pipelineName, 'demo-shop');
  assert.equal(typeof run.metrics?.[GATE_METRIC], 'number');
  assert.equal(typeof run.previousMetrics?.[GATE_METRIC], 'number');
  assert.ok(run.solutionVersionArn && run.previousSolutionVersionArn);
  assert.notEqual(run.solutionVersionArn, run.previousSolutionVersionArn);
  assert.ok(demo.output.includes(`The campaign now serves ${run.solutionVersionArn}.`));
});

test('history and status show the run in a table, and history <id> step by step', async () => {
  const list = await cli('history', '--state-dir', stateDir);
  assert.match(
    list.out,
    /^ID {3}PIPELINE +KIND +STARTED \(UTC\) +STATUS +TOOK +VERSION +NDCG@10 \(BEFORE → NEW\)$/m,
  );
  assert.match(
    list.out,
    /^1 {4}demo-shop +retrain +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +SUCCEEDED +\d+\.\d s +[0-9a-f]{8} +\d\.\d{4} → \d\.\d{4}$/m,
  );
  const status = await cli('status', '--state-dir', stateDir);
  assert.equal(status.code, 0);
  assert.match(status.out, /^nothing running$/m);
  assert.match(status.out, /latest per pipeline:\n {2}1 {4}demo-shop .* SUCCEEDED /);
  const detail = await cli('history', '1', '--state-dir', stateDir);
  assert.equal(detail.code, 0);
  for (const step of [
    'ImportDatasets',
    'CreateSolutionVersion',
    'UpdateCampaign',
    'DescribeCampaignUpdate',
  ]) {
    assert.match(detail.out, new RegExp(`^ {2}${step} +\\d+(\\.\\d)? m?s`, 'm'), step);
  }
  const missing = await cli('history', '42', '--state-dir', stateDir);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no run with id 42; list them with 'history'/);
});

test('afterwards the campaign serves the version the run trained, as DescribeCampaign reports it', async () => {
  const [run] = JSON.parse(
    (await cli('history', '--json', '--state-dir', stateDir)).out,
  ) as ExecutionRecord[];
  const { campaignArn } = loadPipelineConfig(paramsFile);
  const { personalize, close } = await openEngine(stateDir);
  try {
    const { campaign } = await personalize.send(new DescribeCampaignCommand({ campaignArn }));
    assert.equal(campaign?.status, 'ACTIVE');
    assert.equal(campaign.solutionVersionArn, run?.solutionVersionArn);
    assert.equal(campaign.latestCampaignUpdate?.status, 'ACTIVE');
    assert.equal(campaign.latestCampaignUpdate.solutionVersionArn, run?.solutionVersionArn);
  } finally {
    await close();
  }
});
