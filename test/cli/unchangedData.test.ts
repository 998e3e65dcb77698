import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ExitCodes } from '../../src/cli/exitCodes.js';
import { DEMO_BUCKET } from '../../src/demo/demoShopSetup.js';
import { EXECUTIONS_FILE, openExecutionStore } from '../../src/pipeline/executions/index.js';
import { cli, copyDemoShop, demoFlags, setUpDemoShop, writeParamsVariant, type DemoShop } from './support.js';

let demo: DemoShop;
before(async () => {
  demo = await setUpDemoShop();
});
after(() => rmSync(demo.stateDir, { recursive: true, force: true }));

function userIdsOf(interactionsCsv: string): string[] {
  const [header = '', ...rows] = interactionsCsv.trimEnd().split('\n');
  const column = header.split(',').indexOf('USER_ID');
  return [...new Set(rows.map((row) => row.split(',')[column] ?? ''))].sort();
}

test('SkipUnchangedData on a train-only batch pipeline: scores every user, stands down (exit 4) on unchanged data, retrains once the interactions change', async (t) => {
  const copy = copyDemoShop(demo);
  t.after(() => rmSync(copy.stateDir, { recursive: true, force: true }));
  const bucket = join(copy.stateDir, 'data', DEMO_BUCKET);
  const users = userIdsOf(readFileSync(join(bucket, 'interactions.csv'), 'utf8'));
  mkdirSync(join(bucket, 'batch'), { recursive: true });
  writeFileSync(
    join(bucket, 'batch', 'users.json'),
    users.map((userId) => JSON.stringify({ userId })).join('\n'),
  );
  const params = writeParamsVariant(copy, 'train-only-unchanged', {
    CampaignArn: undefined,
    BatchInferenceInputPath: `s3://${DEMO_BUCKET}/batch/users.json`,
    BatchInferenceOutputPath: `s3://${DEMO_BUCKET}/batch/output/`,
    BatchInferenceNumResults: '5',
    SkipUnchangedData: 'true',
  });

  const first = await cli('run', ...demoFlags(copy, params));
  assert.equal(first.code, ExitCodes.Success, first.out + first.err);
  assert.match(
    first.out,
    /data check: Retraining: the datasources are not those solution version .* was trained on/,
  );
  const store = openExecutionStore(join(copy.stateDir, EXECUTIONS_FILE));
  t.after(() => store.close());
  const [trained] = store.list();
  assert.equal(trained?.status, 'SUCCEEDED');
  const output = readFileSync(
    join(bucket, 'batch', 'output', trained.executionName, 'users.json.out'),
    'utf8',
  );
  const scored = output
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { input: { userId: string }; output: { recommendedItems: string[] } });
  assert.deepEqual(scored.map((line) => line.input.userId).sort(), users);
  assert.ok(scored.every((line) => line.output.recommendedItems.length === 5));

  const second = await cli('run', ...demoFlags(copy, params));
  assert.equal(second.code, ExitCodes.Skipped, second.out + second.err);
  assert.match(
    second.out,
    new RegExp(
      `SKIPPED in .*\\n[\\s\\S]*skipped: The data is unchanged: no datasource changed since solution version ${trained.solutionVersionArn ?? '?'} was trained on it \\(created \\d{4}-\\d\\d-\\d\\dT`,
    ),
  );
  assert.doesNotMatch(second.out, /ImportDatasets|CreateSolutionVersion/, 'nothing was imported or trained');
  const [skipped] = store.list();
  assert.equal(skipped?.status, 'SKIPPED');
  assert.equal(skipped.solutionVersionArn, null);

  const interactions = join(bucket, 'interactions.csv');
  const lastLine = readFileSync(interactions, 'utf8').trimEnd().split('\n').at(-1) ?? '';
  appendFileSync(interactions, `${lastLine}\n`);
  const third = await cli('run', ...demoFlags(copy, params));
  assert.equal(third.code, ExitCodes.Success, third.out + third.err);
  const [retrained] = store.list();
  assert.equal(retrained?.status, 'SUCCEEDED');
  assert.notEqual(retrained.solutionVersionArn, trained.solutionVersionArn);
});
