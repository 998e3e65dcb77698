import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ValidationReport } from '../../src/cli/commands/validate.js';
import { ExitCodes } from '../../src/cli/exitCodes.js';
import { makeTempDir, startTestEngine } from '../support/engine.js';
import { FULL_PARAMETERS, parametersText } from '../support/pipelineConfigs.js';
import { INTERACTIONS_SCHEMA, RECIPE } from '../support/shop.js';
import { cli } from './support.js';

function writeParams(t: { after(fn: () => void): void }, text: string, name = 'parameters.cfg'): string {
  const dir = makeTempDir('pr-validate-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

test('a valid file exits 0 and says what the pipeline will do', async (t) => {
  const file = writeParams(t, parametersText({ ...FULL_PARAMETERS, GateTolerance: '0.01' }));
  const result = await cli('validate', '--params', file, '--stack-name', 'shop-prod');

  assert.equal(result.code, ExitCodes.Success);
  assert.equal(result.err, '');
  assert.match(result.out, new RegExp(`^${file} is valid\\. Pipeline shop-prod will:`));
  assert.match(result.out, /import users from s3:\/\/shop-exports\/users\.csv \(FULL\)/);
  assert.match(result.out, /train a new version of .*solution\/shop-recs \(FULL\)/);
  assert.match(
    result.out,
    /deploy it to .*campaign\/shop-front unless normalized_discounted_cumulative_gain_at_10 drops by more than 0\.01/,
  );
  assert.match(
    result.out,
    /check progress every 30 s, giving up after 2\.1 h on an import, 8\.3 h on training and 1\.3 h on the campaign update\n {2}run on rate\(7 days\), counted from when serve starts\n/,
  );
});

test('a cron schedule shows its next fire time in UTC; tolerance 0 means no drop at all', async (t) => {
  const file = writeParams(
    t,
    parametersText({ ...FULL_PARAMETERS, RetrainingRate: 'cron(0 3 ? * MON *)', GateMinimum: '0.05' }),
  );
  const result = await cli('validate', '--params', file);
  assert.equal(result.code, ExitCodes.Success);
  assert.match(result.out, /run on cron\(0 3 \? \* MON \*\) \(UTC\), next at \d{4}-\d\d-\d\dT03:00:00\.000Z/);
  assert.match(
    result.out,
    /unless normalized_discounted_cumulative_gain_at_10 is below the served version's, and never below 0\.05/,
  );
});

test('every problem is printed at once as file:line key: message. Fix: …, and the exit status is 2', async (t) => {
  const file = writeParams(
    t,
    [
      '# production pipeline',
      'ImportRoleArn=arn:aws:iam::123456789012:role/Import',
      'SolutionArn=arn:aws:personalize:eu-west-1:123456789012:solution/shop',
      'UserInteractionDatasetArn=arn:aws:personalize:eu-west-1:123456789012:dataset/shop/INTERACTIONS',
      'RetrainingRate=cron(0 3 * * MON *)',
      'GateMetrc=precision_at_5',
    ].join('\n'),
  );
  const result = await cli('validate', '--params', file);

  assert.equal(result.code, ExitCodes.InvalidInput);
  assert.equal(result.out, '');
  const lines = result.err.trimEnd().split('\n');
  assert.deepEqual(
    lines.map((line) => /^(\S+?)(:\d+)? (\S+):/.exec(line)?.slice(2, 4)),
    [[':4', 'UserInteractionDatasetArn'], [':5', 'RetrainingRate'], [':6', 'GateMetrc'], undefined],
  );
  for (const line of lines.slice(0, 3)) assert.ok(line.startsWith(`${file}:`) && / Fix: /.test(line), line);
  assert.match(lines[2] ?? '', /did you mean GateMetric\?/);
  assert.equal(lines[3], `${file}: 3 problems`);
});

test('--json prints a report scripts can read, with the same exit status', async (t) => {
  const file = writeParams(t, parametersText({ ...FULL_PARAMETERS, PollInterval: 'often' }));
  const bad = await cli('validate', '--params', file, '--json');
  assert.equal(bad.code, ExitCodes.InvalidInput);
  const report = JSON.parse(bad.out) as ValidationReport;
  assert.equal(report.valid, false);
  assert.deepEqual(
    report.issues.map((issue) => [issue.line, issue.key]),
    [[10, 'PollInterval']],
  );

  const goodFile = writeParams(t, parametersText(FULL_PARAMETERS));
  const good = await cli('validate', '--params', goodFile, '--json');
  assert.equal(good.code, ExitCodes.Success);
  const goodReport = JSON.parse(good.out) as ValidationReport;
  assert.equal(goodReport.valid, true);
  assert.equal(goodReport.pipeline, 'personalize-retraining');
  assert.equal(goodReport.resourcesChecked, null);
  assert.equal(goodReport.plan.length, 8);
});

test('PARAMS_FILE and STACK_NAME select the file and the name when no flag is given', async (t) => {
  const file = writeParams(t, parametersText(FULL_PARAMETERS), 'parameters.staging.cfg');
  const saved = { params: process.env['PARAMS_FILE'], stack: process.env['STACK_NAME'] };
  process.env['PARAMS_FILE'] = file;
  process.env['STACK_NAME'] = 'personalize-retraining-staging';
  t.after(() => {
    for (const [name, value] of [
      ['PARAMS_FILE', saved.params],
      ['STACK_NAME', saved.stack],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const result = await cli('validate');
  assert.equal(result.code, ExitCodes.Success);
  assert.match(
    result.out,
    /parameters\.staging\.cfg is valid\. Pipeline personalize-retraining-staging will:/,
  );
});

test('a parameters file that does not exist is a problem of PARAMS_FILE, with how to point at one', async () => {
  const result = await cli('validate', '--params', join(makeTempDir(), 'missing.cfg'));
  assert.equal(result.code, ExitCodes.InvalidInput);
  assert.match(
    result.err,
    /missing\.cfg PARAMS_FILE: the parameters file does not exist\. Fix: pass --params FILE/,
  );
});

async function createResources(personalize: PersonalizeClient, name: string, autoTraining: boolean) {
  const { datasetGroupArn = '' } = await personalize.send(new CreateDatasetGroupCommand({ name }));
  const { schemaArn } = await personalize.send(
    new CreateSchemaCommand({ name: `${name}-interactions`, schema: INTERACTIONS_SCHEMA }),
  );
  const { datasetArn = '' } = await personalize.send(
    new CreateDatasetCommand({
      name: `${name}-interactions`,
      datasetGroupArn,
      schemaArn,
      datasetType: 'Interactions',
    }),
  );
  const { solutionArn = '' } = await personalize.send(
    new CreateSolutionCommand({
      name,
      datasetGroupArn,
      recipeArn: RECIPE.popularity,
      performAutoTraining: autoTraining,
    }),
  );
  return { datasetGroupArn, datasetArn, solutionArn };
}

test('with --endpoint it looks the resources up: missing ones and a dataset of another group are problems of their lines, automatic training a warning', async (t) => {
  const { engine, personalize } = await startTestEngine(t);
  const shop = await createResources(personalize, 'shop', true);
  const other = await createResources(personalize, 'other', false);
  const region = shop.solutionArn.split(':')[3];
  const account = shop.solutionArn.split(':')[4];
  const file = writeParams(
    t,
    parametersText({
      ImportRoleArn: `arn:aws:iam::${account}:role/Import`,
      SolutionArn: shop.solutionArn,
      UserInteractionDatasetArn: other.datasetArn,
      S3UserInteractionDatasourcePath: 's3://shop/interactions.csv',
      CampaignArn: `arn:aws:personalize:${region}:${account}:campaign/nowhere`,
    }),
  );
  const result = await cli('validate', '--params', file, '--endpoint', engine.url);

  assert.equal(result.code, ExitCodes.InvalidInput);
  assert.match(
    result.err,
    new RegExp(
      `${file}:3 UserInteractionDatasetArn: .* is in dataset group ${other.datasetGroupArn}, but the solution trains on ${shop.datasetGroupArn}\\.`,
    ),
  );
  assert.match(result.err, new RegExp(`${file}:5 CampaignArn: .*campaign/nowhere does not exist\\. Fix: `));
  assert.match(result.err, /warning: .* has automatic training on \(performAutoTraining\)/);

  const fixed = writeParams(
    t,
    parametersText({
      ImportRoleArn: `arn:aws:iam::${account}:role/Import`,
      SolutionArn: other.solutionArn,
      UserInteractionDatasetArn: other.datasetArn,
      S3UserInteractionDatasourcePath: 's3://shop/interactions.csv',
    }),
  );
  const ok = await cli('validate', '--params', fixed, '--endpoint', engine.url);
  assert.equal(ok.code, ExitCodes.Success, ok.err);
  assert.equal(ok.err, '');
  assert.match(ok.out, new RegExp(`is valid, resources found on ${engine.url.replace(/\./g, '\\.')}\\.`));
});

test('an endpoint that does not answer is reported once, with exit status 1: nothing could be checked', async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const file = writeParams(t, parametersText(FULL_PARAMETERS));

  const result = await cli('validate', '--params', file, '--endpoint', `http://127.0.0.1:${port}`);
  assert.equal(result.code, ExitCodes.Failed);
  const lines = result.err.trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.match(
    lines[0] ?? '',
    /--endpoint: could not ask http:\/\/127\.0\.0\.1:\d+ about the resources: .* Fix: start the engine/,
  );
});

test('a CampaignArn in another account or region is refused by validate, as synth refuses it (one set of rules)', async (t) => {
  const file = writeParams(
    t,
    parametersText({
      ...FULL_PARAMETERS,
      CampaignArn: 'arn:aws:personalize:us-west-2:210987654321:campaign/shop-front',
    }),
  );
  const result = await cli('validate', '--params', file);
  assert.equal(result.code, ExitCodes.InvalidInput);
  assert.match(
    result.err,
    /:9 CampaignArn: is in account 210987654321 and region us-west-2, not in the solution's \(account 123456789012, region [a-z0-9-]+\)\. Fix: use resources of one account and region/,
  );
});

test('a binary file is reported with its bytes escaped, and a single-quoted value gets a hint', async (t) => {
  const binary = writeParams(t, '\u0000\u0001\u001b[31mELF\u0002=x\n');
  const result = await cli('validate', '--params', binary);
  assert.equal(result.code, ExitCodes.InvalidInput);
  assert.ok(
    [...result.err].every((char) => char === '\n' || char.charCodeAt(0) >= 0x20),
    'no raw control bytes reach the terminal',
  );
  assert.match(result.err, /\\x00\\x01\\x1b\[31mELF\\x02/);

  const quoted = writeParams(t, parametersText({ ...FULL_PARAMETERS, PollInterval: "'30'" }));
  const hinted = await cli('validate', '--params', quoted);
  assert.equal(hinted.code, ExitCodes.InvalidInput);
  assert.match(hinted.err, /PollInterval: .*Single quotes are kept as part of the value: remove them/);
});
