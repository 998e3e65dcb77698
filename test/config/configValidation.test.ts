import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIssue, readParameterLines } from '../../src/config/parametersFile.js';
import { ConfigError, loadPipelineConfig, parsePipelineConfig } from '../../src/config/pipelineConfig.js';
import { selectPipeline } from '../../src/config/pipelineSelection.js';
import { FULL_PARAMETERS, parametersText } from '../support/pipelineConfigs.js';

function issuesOf(text: string) {
  const result = parsePipelineConfig(text, 'p.cfg');
  assert.ok(result.issues, 'expected the file to be rejected');
  return result.issues;
}

test('a parameters file reads comments, blank lines, CRLF, a BOM, spaces and quoted values', () => {
  const { lines, issues } = readParameterLines(
    '\uFEFF# comment\r\n\r\n  SolutionArn = "arn:x"  \r\nPollInterval=5\n',
    'p.cfg',
  );
  assert.deepEqual(issues, []);
  assert.deepEqual(lines, [
    { key: 'SolutionArn', value: 'arn:x', line: 3 },
    { key: 'PollInterval', value: '5', line: 4 },
  ]);
});

test('the reference sample keys, filled in, make a complete pipeline with our defaults', () => {
  const result = parsePipelineConfig(parametersText(FULL_PARAMETERS), 'parameters.cfg');
  assert.ok(result.config, JSON.stringify(result.issues));
  const config = result.config;
  assert.deepEqual(
    config.imports.map((item) => item.kind),
    ['users', 'items', 'interactions'],
  );
  assert.equal(config.campaignArn, FULL_PARAMETERS['CampaignArn']);
  assert.equal(config.retrainingRate.expression, 'rate(7 days)');
  assert.equal(config.pollIntervalSeconds, 30);
  assert.equal(config.trainingMode, 'FULL');
  assert.equal(config.importMode, 'FULL');
  assert.deepEqual(config.gate, { metric: 'normalized_discounted_cumulative_gain_at_10', tolerance: 0 });
});

test('empty values mean "not set", as in the reference sample', () => {
  const text = parametersText({
    ...FULL_PARAMETERS,
    UserDatasetArn: '',
    S3UserDatasourcePath: '',
    CampaignArn: '',
  });
  const result = parsePipelineConfig(text, 'p.cfg');
  assert.ok(result.config);
  assert.equal(result.config.campaignArn, undefined);
  assert.deepEqual(
    result.config.imports.map((item) => item.kind),
    ['items', 'interactions'],
  );
});

test('every problem is reported at once, each with file:line, the key and a fix', () => {
  const text = [
    'ImportRoleArn=not-an-arn',
    'SolutionArn=arn:aws:personalize:eu-west-1:123456789012:campaign/oops',
    'UserDatasetArn=arn:aws:personalize:eu-west-1:123456789012:dataset/shop/USERS',
    'RetrainingRate=rate(1 days)',
    'PolInterval=30',
    'GateMetric=accuracy',
    'this line has no equals sign',
  ].join('\n');
  const issues = issuesOf(text);
  const byKey = new Map(issues.map((issue) => [issue.key, issue]));
  assert.equal(byKey.get('ImportRoleArn')?.line, 1);
  assert.match(byKey.get('ImportRoleArn')?.message ?? '', /not an IAM role ARN/);
  assert.match(byKey.get('SolutionArn')?.message ?? '', /not a Personalize solution ARN/);
  assert.match(byKey.get('UserDatasetArn')?.message ?? '', /S3UserDatasourcePath is not/);
  assert.match(byKey.get('RetrainingRate')?.message ?? '', /singular/);
  assert.equal(byKey.get('PolInterval')?.fix, 'did you mean PollInterval?');
  assert.match(byKey.get('GateMetric')?.fix ?? '', /normalized_discounted_cumulative_gain_at_10/);
  assert.ok(issues.some((issue) => issue.line === 7 && /not a KEY=VALUE line/.test(issue.message)));
  assert.equal(issues.length, 7);
  assert.match(formatIssue(byKey.get('ImportRoleArn')!), /^p\.cfg:1 ImportRoleArn: .+ Fix: .+/);
});

test('required keys, half pairs and a file with no dataset are each an error', () => {
  const missing = issuesOf('CampaignArn=');
  assert.deepEqual(missing.map((issue) => issue.key).sort(), [
    'ImportRoleArn',
    'SolutionArn',
    'UserInteractionDatasetArn',
  ]);
  const half = issuesOf(parametersText({ ...FULL_PARAMETERS, S3ItemDatasourcePath: undefined }));
  assert.deepEqual(
    half.map((issue) => issue.key),
    ['ItemDatasetArn'],
  );
  const otherHalf = issuesOf(parametersText({ ...FULL_PARAMETERS, UserDatasetArn: undefined }));
  assert.deepEqual(
    otherHalf.map((issue) => issue.key),
    ['S3UserDatasourcePath'],
  );
});

test('a dataset ARN must name the dataset type of its key', () => {
  const issues = issuesOf(
    parametersText({ ...FULL_PARAMETERS, ItemDatasetArn: FULL_PARAMETERS['UserDatasetArn'] ?? '' }),
  );
  assert.equal(issues[0]?.key, 'ItemDatasetArn');
  assert.match(issues[0]?.message ?? '', /ITEMS dataset/);
});

test('the new keys are checked: numbers in range, enums, URL, topic and email', () => {
  const bad = {
    PollInterval: '0',
    TrainingMode: 'PARTIAL',
    ImportMode: 'full',
    GateTolerance: '-0.1',
    GateMinimum: '2',
    NotificationUrl: 'ftp://example.com',
    NotificationTopicArn: 'arn:aws:sqs:eu-west-1:123456789012:queue',
    NotificationEmail: 'nobody',
    S3UserDatasourcePath: 'https://bucket/users.csv',
  };
  const issues = issuesOf(parametersText({ ...FULL_PARAMETERS, ...bad }));
  assert.deepEqual(issues.map((issue) => issue.key).sort(), Object.keys(bad).sort());
  const good = parsePipelineConfig(
    parametersText({
      ...FULL_PARAMETERS,
      PollInterval: '600',
      TrainingMode: 'UPDATE',
      ImportMode: 'INCREMENTAL',
      GateTolerance: '0.02',
      GateMinimum: '0.1',
      NotificationUrl: 'http://127.0.0.1:9000/hook',
      NotificationTopicArn: 'arn:aws:sns:eu-west-1:123456789012:retraining',
      NotificationEmail: 'ml-team@example.com',
    }),
    'p.cfg',
  );
  assert.ok(good.config, JSON.stringify(good.issues));
  assert.deepEqual(good.config.gate, {
    metric: 'normalized_discounted_cumulative_gain_at_10',
    tolerance: 0.02,
    minimum: 0.1,
  });
});

test('a key set twice is an error naming the first line', () => {
  const issues = issuesOf(`${parametersText(FULL_PARAMETERS)}\nPollInterval=10`);
  assert.equal(issues.length, 1);
  assert.match(issues[0]?.message ?? '', /first set on line 10/);
});

test('loading a missing file says how to point at one', () => {
  assert.throws(
    () => loadPipelineConfig(join(tmpdir(), 'no-such-dir', 'parameters.cfg')),
    (error: unknown) =>
      error instanceof ConfigError && /--params FILE or set PARAMS_FILE/.test(error.message),
  );
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  writeFileSync(join(dir, 'parameters.cfg'), parametersText(FULL_PARAMETERS));
  assert.equal(loadPipelineConfig(join(dir, 'parameters.cfg')).sourceFile, join(dir, 'parameters.cfg'));
});

test('STACK_NAME and PARAMS_FILE select the pipeline as in the reference; flags win', () => {
  assert.deepEqual(selectPipeline({}, {}), {
    stackName: 'personalize-retraining',
    paramsFile: 'parameters.cfg',
  });
  const env = { STACK_NAME: 'personalize-retraining-prod', PARAMS_FILE: 'parameters.prod.cfg' };
  assert.deepEqual(selectPipeline({}, env), {
    stackName: 'personalize-retraining-prod',
    paramsFile: 'parameters.prod.cfg',
  });
  assert.deepEqual(selectPipeline({ stackName: 'x', params: 'y.cfg' }, env), {
    stackName: 'x',
    paramsFile: 'y.cfg',
  });
});
