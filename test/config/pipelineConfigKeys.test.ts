import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ConfigIssue } from '../../src/config/parametersFile.js';
import {
  ConfigError,
  GATE_METRICS,
  KNOWN_KEYS,
  loadPipelineConfig,
  parsePipelineConfig,
} from '../../src/config/pipelineConfig.js';
import { FULL_PARAMETERS, parametersText } from '../support/pipelineConfigs.js';

/** Fixtures are read from the repository (tests run from dist/, the .cfg files are not compiled). */
const fixture = (name: string) => join(process.cwd(), 'test', 'fixtures', 'config', name);

function issuesFor(changes: Record<string, string | undefined>): ConfigIssue[] {
  const result = parsePipelineConfig(parametersText({ ...FULL_PARAMETERS, ...changes }), 'p.cfg');
  assert.ok(result.issues, `expected ${JSON.stringify(changes)} to be rejected`);
  return result.issues;
}

function assertAccepted(changes: Record<string, string | undefined>): void {
  const result = parsePipelineConfig(parametersText({ ...FULL_PARAMETERS, ...changes }), 'p.cfg');
  assert.ok(result.config, `${JSON.stringify(changes)}: ${JSON.stringify(result.issues)}`);
}

function assertRejected(key: string, values: readonly string[], message: RegExp): void {
  for (const value of values) {
    const issues = issuesFor({ [key]: value });
    assert.deepEqual(
      issues.map((issue) => issue.key),
      [key],
      `${key}=${value}`,
    );
    assert.match(issues[0]?.message ?? '', message, `${key}=${value}`);
    assert.ok((issues[0]?.fix ?? '').length > 10, `${key}=${value} comes with a fix`);
  }
}

test("the reference sample's parameters.cfg, filled in as it stands, is a complete pipeline", () => {
  // Same keys in the same order, no RetrainingRate, no newline after the last line.
  const config = loadPipelineConfig(fixture('reference-shape.cfg'));
  assert.deepEqual(
    config.imports.map((item) => [item.kind, item.dataLocation]),
    [
      ['users', 's3://outdoor-gear-exports/users/users.csv'],
      ['items', 's3://outdoor-gear-exports/items/items.csv'],
      ['interactions', 's3://outdoor-gear-exports/interactions/'],
    ],
  );
  assert.equal(config.campaignArn, 'arn:aws:personalize:us-west-2:210987654321:campaign/outdoor-gear-home');
  assert.equal(config.pipelineName, 'personalize-retraining');
});

test('the reference file left unfilled names exactly what is missing, with no line numbers', () => {
  const blank = readFileSync(fixture('reference-shape.cfg'), 'utf8').replace(/=.*/g, '=');
  const result = parsePipelineConfig(blank, 'parameters.cfg');
  assert.ok(result.issues);
  assert.deepEqual(
    result.issues.map((issue) => [issue.line, issue.key]),
    [
      [0, 'ImportRoleArn'],
      [0, 'SolutionArn'],
      [0, 'UserInteractionDatasetArn'],
    ],
  );
  assert.match(result.issues[2]?.message ?? '', /no dataset is configured/);
});

test('every default applies when its key is absent', () => {
  const result = parsePipelineConfig(
    parametersText({ ...FULL_PARAMETERS, PollInterval: undefined }),
    'p.cfg',
  );
  assert.ok(result.config);
  const { retrainingRate, pollIntervalSeconds, trainingMode, importMode, gate } = result.config;
  assert.deepEqual(
    { rate: retrainingRate.expression, pollIntervalSeconds, trainingMode, importMode, gate },
    {
      rate: 'rate(7 days)',
      pollIntervalSeconds: 60,
      trainingMode: 'FULL',
      importMode: 'FULL',
      gate: { metric: 'normalized_discounted_cumulative_gain_at_10', tolerance: 0 },
    },
  );
  for (const key of ['notificationUrl', 'notificationTopicArn', 'notificationEmail'] as const)
    assert.equal(result.config[key], undefined);
});

test('every key set to a non-default value is read as written', () => {
  const config = loadPipelineConfig(fixture('every-key.cfg'), { pipelineName: 'outdoor-gear-prod' });
  assert.equal(config.pipelineName, 'outdoor-gear-prod');
  assert.equal(config.retrainingRate.expression, 'rate(1 day)');
  assert.equal(config.updateRate?.expression, 'rate(6 hours)');
  assert.equal(config.pollIntervalSeconds, 15);
  assert.equal(config.trainingMode, 'UPDATE');
  assert.equal(config.importMode, 'INCREMENTAL');
  assert.deepEqual(config.gate, { metric: 'mean_reciprocal_rank_at_25', tolerance: 0.02, minimum: 0.05 });
  assert.equal(config.notificationUrl, 'https://hooks.example.com/retraining?token=a=b');
  assert.equal(config.notificationTopicArn, 'arn:aws:sns:us-west-2:210987654321:outdoor-gear-retraining');
  assert.equal(config.notificationEmail, 'ml-team@example.com');
  assert.equal(config.imports.length, 3);
  assert.deepEqual(config.batchInference, {
    inputPath: 's3://outdoor-gear-exports/batch/members.json',
    outputPath: 's3://outdoor-gear-exports/batch/recommendations/',
    numResults: 50,
    filterArn: 'arn:aws:personalize:us-west-2:210987654321:filter/in-stock',
    roleArn: 'arn:aws:iam::210987654321:role/PersonalizeBatch',
  });
  assert.equal(config.skipUnchangedData, true);
});

test('SkipUnchangedData is off unless set to true, and takes only true or false', () => {
  const read = (value?: string) =>
    parsePipelineConfig(
      parametersText({ ...FULL_PARAMETERS, ...(value === undefined ? {} : { SkipUnchangedData: value }) }),
      'parameters.cfg',
    );
  assert.equal(read().config?.skipUnchangedData, false);
  assert.equal(read('false').config?.skipUnchangedData, false);
  assert.equal(read('true').config?.skipUnchangedData, true);
  assert.deepEqual(
    read('yes').issues?.map((issue) => `${issue.key}: ${issue.message} ${issue.fix}`),
    ["SkipUnchangedData: 'yes' is not allowed. use one of true, false."],
  );
});

test('batch inference: input and output go together, the role defaults to ImportRoleArn, lone settings are refused', () => {
  const input = 's3://shop-exports/batch/users.json';
  const both = parsePipelineConfig(
    parametersText({
      ...FULL_PARAMETERS,
      BatchInferenceInputPath: input,
      BatchInferenceOutputPath: 's3://shop-exports/recs/',
    }),
    'parameters.cfg',
  );
  assert.deepEqual(both.config?.batchInference, {
    inputPath: input,
    outputPath: 's3://shop-exports/recs/',
    numResults: 25,
    roleArn: FULL_PARAMETERS['ImportRoleArn'],
  });
  const issues = (values: Record<string, string>) =>
    (
      parsePipelineConfig(parametersText({ ...FULL_PARAMETERS, ...values }), 'parameters.cfg').issues ?? []
    ).map((issue) => `${issue.key}: ${issue.message}`);
  assert.deepEqual(issues({ BatchInferenceInputPath: input }), [
    'BatchInferenceInputPath: is set but BatchInferenceOutputPath is not: batch inference needs both.',
  ]);
  assert.deepEqual(issues({ BatchInferenceNumResults: '10' }), [
    'BatchInferenceNumResults: is set but batch inference is not configured, so it would be ignored.',
  ]);
  assert.deepEqual(
    issues({ BatchInferenceInputPath: input, BatchInferenceOutputPath: 's3://shop-exports/recs' }),
    ["BatchInferenceOutputPath: 's3://shop-exports/recs' is not an S3 prefix ending in /."],
  );
  assert.deepEqual(
    issues({
      BatchInferenceInputPath: input,
      BatchInferenceOutputPath: 's3://b-b/x/',
      BatchInferenceNumResults: '501',
    }),
    ["BatchInferenceNumResults: '501' is not a whole number from 1 to 500."],
  );
});

test('the every-key fixture sets every known key, so a new key cannot go untested', () => {
  const used = new Set(
    readFileSync(fixture('every-key.cfg'), 'utf8')
      .split('\n')
      .filter((line) => /^\w+=/.test(line))
      .map((line) => line.slice(0, line.indexOf('='))),
  );
  assert.deepEqual([...KNOWN_KEYS].sort(), [...used].sort());
});

test('ARN keys take only their own kind of resource', () => {
  const account = 'arn:aws:personalize:eu-west-1:123456789012';
  assertRejected(
    'ImportRoleArn',
    ['arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::1234:role/x', 'PersonalizeImport'],
    /not an IAM role ARN/,
  );
  assertRejected(
    'SolutionArn',
    [`${account}:solution-version/shop/abc`, `${account}:campaign/shop`, 'arn:aws:personalize:::solution/x'],
    /not a Personalize solution ARN/,
  );
  assertRejected(
    'CampaignArn',
    [`${account}:solution/shop`, 'arn:aws:personalize:eu-west-1:123456789012:campaign/'],
    /not a Personalize campaign ARN/,
  );
  assertAccepted({ ImportRoleArn: 'arn:aws:iam::123456789012:role/service-role/Personalize+Import@eu' });
  // Another partition, with the datasets and the campaign where the solution is (see the next test).
  const china = 'arn:aws-cn:personalize:cn-north-1:123456789012';
  assertAccepted({
    SolutionArn: `${china}:solution/shop_recs-2`,
    UserDatasetArn: `${china}:dataset/shop/USERS`,
    ItemDatasetArn: `${china}:dataset/shop/ITEMS`,
    UserInteractionDatasetArn: `${china}:dataset/shop/INTERACTIONS`,
    CampaignArn: `${china}:campaign/shop-front`,
  });
});

test("datasets and the campaign must be in the solution's account and region (the rule synth applies too)", () => {
  const issues = issuesFor({ CampaignArn: 'arn:aws:personalize:us-west-2:123456789012:campaign/shop-front' });
  assert.deepEqual(
    issues.map((issue) => [issue.key, issue.message]),
    [
      [
        'CampaignArn',
        "is in account 123456789012 and region us-west-2, not in the solution's (account 123456789012, region eu-west-1).",
      ],
    ],
  );
});

test('a dataset ARN must be a dataset of the type its key names', () => {
  const account = 'arn:aws:personalize:eu-west-1:123456789012';
  assertRejected('UserDatasetArn', [`${account}:dataset/shop/ITEMS`], /USERS dataset/);
  assertRejected('ItemDatasetArn', [`${account}:dataset/shop/INTERACTIONS`], /ITEMS dataset/);
  assertRejected(
    'UserInteractionDatasetArn',
    [`${account}:dataset/shop/USERS`, `${account}:dataset-group/shop`],
    /INTERACTIONS dataset/,
  );
});

test('datasource paths are s3:// paths to a file or a folder of a valid bucket', () => {
  assertRejected(
    'S3ItemDatasourcePath',
    [
      '/data/items.csv',
      's3://Shop-Exports/items.csv',
      's3://ab',
      's3://shop exports/items.csv',
      'S3://shop/items.csv',
    ],
    /not an S3 path/,
  );
  assertAccepted({ S3ItemDatasourcePath: 's3://shop.exports-eu/2026/items/' });
});

test('numbers must be numbers in range: PollInterval whole seconds, gate values fractions', () => {
  assertRejected('PollInterval', ['abc', '1.5', '3601', '-5', '0'], /whole number from 1 to 3600 seconds/);
  assertRejected('GateTolerance', ['1.5', 'five', '-0.01'], /number from 0 to 1/);
  assertRejected('GateMinimum', ['2', '10%'], /number from 0 to 1/);
  assertAccepted({ PollInterval: '1', GateTolerance: '0', GateMinimum: '1' });
  assertAccepted({ PollInterval: '3600', GateTolerance: '1', GateMinimum: '0.0' });
});

test('enumerations are exact and list the allowed values in the fix', () => {
  const issues = issuesFor({ TrainingMode: 'update', ImportMode: 'BULK', GateMetric: 'ndcg@10' });
  assert.deepEqual(
    issues.map((issue) => [issue.key, issue.fix]),
    [
      ['TrainingMode', 'use one of FULL, UPDATE.'],
      ['ImportMode', 'use one of FULL, INCREMENTAL.'],
      ['GateMetric', `use one of ${GATE_METRICS.join(', ')}.`],
    ],
  );
  for (const metric of GATE_METRICS) assertAccepted({ GateMetric: metric });
});

test('notification targets: an http(s) URL, an SNS topic ARN and an email address', () => {
  assertRejected('NotificationUrl', ['127.0.0.1:9000/hook', 'http://', 'file:///tmp/hook'], /http\(s\) URL/);
  assertRejected(
    'NotificationTopicArn',
    ['arn:aws:sns:eu-west-1:123456789012:', 'retraining', 'arn:aws:sns:eu-west-1:123:retraining'],
    /SNS topic ARN/,
  );
  assertRejected('NotificationEmail', ['ml team@example.com', 'ml-team@', '@example.com'], /email address/);
});

test('an unknown key with nothing close lists every known key in its fix', () => {
  const issues = issuesFor({ Region: 'eu-west-1' });
  assert.equal(issues[0]?.key, 'Region');
  assert.equal(issues[0]?.fix, `use one of ${KNOWN_KEYS.join(', ')}.`);
});

test('issues come sorted: file-wide ones first, then by line; one per problem, never a follow-on error', () => {
  const text = [
    'SolutionArn=arn:aws:personalize:eu-west-1:123456789012:solution/shop',
    'UserDatasetArn=nonsense',
    'S3UserDatasourcePath=s3://shop-exports/users.csv',
    'ItemDatasetArn=arn:aws:personalize:eu-west-1:123456789012:dataset/shop/ITEMS',
    'Pollinterval=10',
  ].join('\n');
  const result = parsePipelineConfig(text, 'p.cfg');
  assert.ok(result.issues);
  assert.deepEqual(
    result.issues.map((issue) => [issue.line, issue.key]),
    [
      [0, 'ImportRoleArn'],
      [2, 'UserDatasetArn'],
      [4, 'ItemDatasetArn'],
      [5, 'Pollinterval'],
    ],
  );
  // The invalid UserDatasetArn is not also reported as a half pair, nor the file as having no dataset.
  assert.equal(result.issues.filter((issue) => issue.key === 'UserDatasetArn').length, 1);
});

test('loading a file with problems throws one ConfigError holding all of them, printed one per line', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'bad.cfg');
  writeFileSync(file, 'PollInterval=0\nTrainingMode=x\n');
  const error = (() => {
    try {
      loadPipelineConfig(file);
    } catch (caught) {
      return caught;
    }
    return undefined;
  })();
  assert.ok(error instanceof ConfigError, 'loading throws ConfigError');
  assert.deepEqual(
    error.issues.map((issue) => issue.key),
    ['ImportRoleArn', 'SolutionArn', 'UserInteractionDatasetArn', 'PollInterval', 'TrainingMode'],
  );
  const lines = error.message.split('\n');
  assert.equal(lines.length, 5);
  assert.match(
    lines[0] ?? '',
    /^\S+bad\.cfg ImportRoleArn: is required but not set\. Fix: add ImportRoleArn=/,
  );
  assert.match(
    lines[3] ?? '',
    /^\S+bad\.cfg:1 PollInterval: '0' is not a whole number from 1 to 3600 seconds\. Fix: /,
  );
});
