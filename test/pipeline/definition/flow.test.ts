import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDefinition } from '../../../src/pipeline/definition/index.js';
import { configWith } from '../../support/pipelineConfigs.js';
import { FakePersonalize, PersonalizeFailure, execute } from './fakePersonalize.js';

const runId = (executionName: string) => `rt-${createHash('md5').update(executionName).digest('hex')}`;

test('a good run imports every dataset, trains, passes the gate, waits for the campaign update and notifies success', async () => {
  const config = configWith({ ImportMode: 'INCREMENTAL', TrainingMode: 'UPDATE' });
  const service = new FakePersonalize();
  service.campaignPollsInProgress = 2;
  const result = await execute(buildDefinition(config), service, 'weekly-2026-11-23');

  assert.equal(result.kind, 'succeeded');
  assert.equal(result.kind === 'succeeded' && result.output['Outcome'], 'SUCCEEDED');
  const jobs = service.callsOf('createDatasetImportJob');
  assert.deepEqual(jobs.map((job) => job['JobName']).sort(), [
    `${runId('weekly-2026-11-23')}-interactions-1`,
    `${runId('weekly-2026-11-23')}-items-1`,
    `${runId('weekly-2026-11-23')}-users-1`,
  ]);
  for (const job of jobs) {
    assert.equal(job['ImportMode'], 'INCREMENTAL');
    assert.equal(job['RoleArn'], config.importRoleArn);
  }
  const [version] = service.versions;
  assert.equal(service.callsOf('createSolutionVersion')[0]?.['TrainingMode'], 'UPDATE');
  assert.deepEqual(
    service.callsOf('updateCampaign').map((call) => call['SolutionVersionArn']),
    [version?.arn],
  );
  // The campaign said ACTIVE all along; the run ended only when the update itself was ACTIVE.
  assert.equal(service.campaignUpdate?.polls, 3);
  assert.equal(service.servedVersionArn, version?.arn);
  assert.equal(service.notifications.length, 1);
  const notice = service.notifications[0] ?? {};
  assert.equal(notice['Outcome'], 'SUCCEEDED');
  assert.equal(notice['ExecutionName'], 'weekly-2026-11-23');
  assert.equal(notice['SolutionVersionArn'], version?.arn);
  assert.deepEqual((notice['Detail'] as { NewMetrics: unknown }).NewMetrics, {
    SolutionVersionArn: version?.arn,
    Metrics: service.newMetrics,
  });
});

test('an import that ends CREATE FAILED fails the run with its reason, notified, nothing trained or deployed', async () => {
  const service = new FakePersonalize();
  service.importLifecycle = (input) =>
    String(input['DatasetArn']).endsWith('/INTERACTIONS')
      ? { pollsInProgress: 2, end: 'CREATE FAILED', failureReason: 'Row 12: EVENT_TYPE is missing.' }
      : { pollsInProgress: 1, end: 'ACTIVE' };
  const result = await execute(buildDefinition(configWith()), service, 'bad-csv');

  assert.equal(result.kind, 'failed');
  assert.equal(result.kind === 'failed' && result.error, 'Pipeline.ImportFailed');
  assert.match(result.kind === 'failed' ? result.cause : '', /interactions.*Row 12: EVENT_TYPE is missing\./);
  assert.equal(service.callsOf('createSolutionVersion').length, 0);
  assert.equal(service.callsOf('updateCampaign').length, 0);
  assert.deepEqual(
    service.notifications.map((notice) => [notice['Outcome'], notice['Error']]),
    [['FAILED', 'Pipeline.ImportFailed']],
  );
});

test('a version that scores worse than the served one is rejected: notified, campaign untouched', async () => {
  const service = new FakePersonalize();
  service.newMetrics = { normalized_discounted_cumulative_gain_at_10: 0.25 };
  const served = service.servedVersionArn;
  const result = await execute(buildDefinition(configWith()), service, 'worse-model');

  assert.equal(result.kind, 'succeeded');
  assert.equal(result.kind === 'succeeded' && result.output['Outcome'], 'REJECTED');
  assert.equal(service.callsOf('updateCampaign').length, 0);
  assert.equal(service.servedVersionArn, served);
  assert.deepEqual(
    service.notifications.map((notice) => notice['Outcome']),
    ['REJECTED'],
  );
  assert.match(String(service.notifications[0]?.['Reason']), /normalized_discounted_cumulative_gain_at_10/);
});

test('the same drop passes when GateTolerance allows it', async () => {
  const service = new FakePersonalize();
  service.newMetrics = { normalized_discounted_cumulative_gain_at_10: 0.29 };
  const result = await execute(buildDefinition(configWith({ GateTolerance: '0.02' })), service, 'tolerated');
  assert.equal(result.kind === 'succeeded' && result.output['Outcome'], 'SUCCEEDED');
  assert.equal(service.callsOf('updateCampaign').length, 1);
});

test('throttling and busy resources are retried with backoff until the call goes through', async () => {
  const service = new FakePersonalize();
  service.failNext.set('createSolutionVersion', [
    new PersonalizeFailure('LimitExceededException'),
    new PersonalizeFailure('ThrottlingException'),
  ]);
  service.failNext.set('updateCampaign', [new PersonalizeFailure('ResourceInUseException')]);
  const result = await execute(buildDefinition(configWith()), service, 'busy-service');

  assert.equal(result.kind === 'succeeded' && result.output['Outcome'], 'SUCCEEDED');
  assert.equal(service.callsOf('createSolutionVersion').length, 3);
  assert.equal(service.callsOf('updateCampaign').length, 2);
  assert.equal(service.versions.length, 1);
});

test('an error no Retry covers goes to the failure notification with the error kept', async () => {
  const service = new FakePersonalize();
  service.failNext.set('createSolutionVersion', [
    new PersonalizeFailure('InvalidInputException', 'trainingMode UPDATE needs an ACTIVE FULL version.'),
  ]);
  const result = await execute(buildDefinition(configWith()), service, 'bad-input');

  assert.equal(result.kind === 'failed' && result.error, 'Personalize.InvalidInputException');
  assert.equal(service.notifications[0]?.['Outcome'], 'FAILED');
  assert.equal(service.notifications[0]?.['Cause'], 'trainingMode UPDATE needs an ACTIVE FULL version.');
});

test('a re-run of a crashed execution adopts its import jobs and its solution version instead of duplicating them', async () => {
  const service = new FakePersonalize();
  service.trainingLifecycle = { pollsInProgress: 3, end: 'ACTIVE' };
  const definition = buildDefinition(configWith());
  const crashed = await execute(definition, service, 'nightly', 'createSolutionVersion');
  assert.equal(crashed.kind, 'aborted');
  assert.equal(service.importJobs.size, 3);
  assert.equal(service.versions.length, 1);

  // Another execution stands down while that version still trains…
  const other = await execute(definition, service, 'someone-else');
  assert.equal(other.kind === 'succeeded' && other.output['Outcome'], 'SKIPPED');

  // …but the crashed execution, run again under its name, recognises the version as its own.
  const rerun = await execute(definition, service, 'nightly');
  assert.equal(rerun.kind === 'succeeded' && rerun.output['Outcome'], 'SUCCEEDED');
  assert.equal(service.importJobs.size, 3);
  assert.equal(service.versions.length, 1);
  assert.equal(service.callsOf('createDatasetImportJob').length, 6);
  assert.deepEqual(
    service.callsOf('updateCampaign').map((call) => call['SolutionVersionArn']),
    [service.versions[0]?.arn],
  );
});

test('an adopted solution version that died with the crash is trained afresh under the next name', async () => {
  const service = new FakePersonalize();
  service.trainingLifecycle = { pollsInProgress: 0, end: 'CREATE FAILED', failureReason: 'interrupted' };
  const definition = buildDefinition(configWith());
  await execute(definition, service, 'nightly', 'createSolutionVersion');
  service.trainingLifecycle = { pollsInProgress: 1, end: 'ACTIVE' };

  const rerun = await execute(definition, service, 'nightly');
  assert.equal(rerun.kind === 'succeeded' && rerun.output['Outcome'], 'SUCCEEDED');
  assert.deepEqual(
    service.versions.map((version) => version.name),
    [`${runId('nightly')}-2`, `${runId('nightly')}-1`],
  );
});

test('without CampaignArn the run trains and succeeds without touching any campaign', async () => {
  const service = new FakePersonalize();
  const result = await execute(
    buildDefinition(configWith({ CampaignArn: undefined })),
    service,
    'no-campaign',
  );
  assert.equal(result.kind === 'succeeded' && result.output['Outcome'], 'SUCCEEDED');
  assert.deepEqual(
    service.calls.filter((call) => /Campaign/.test(call.action)),
    [],
  );
});

test('execution names of any length and characters give valid Personalize names', async () => {
  const service = new FakePersonalize();
  const name = `${'x'.repeat(60)}:weekly run #7 (retry)`;
  const result = await execute(buildDefinition(configWith()), service, name);
  assert.equal(result.kind, 'succeeded');
  const names = [
    ...service.callsOf('createDatasetImportJob').map((job) => String(job['JobName'])),
    ...service.versions.map((version) => version.name),
  ];
  for (const created of names) assert.match(created, /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/);
});

test('an import that never finishes fails the run after its budget of status checks, notified, instead of running into the history limit', async () => {
  const service = new FakePersonalize();
  service.importLifecycle = () => ({ pollsInProgress: Number.POSITIVE_INFINITY, end: 'ACTIVE' });
  const result = await execute(
    buildDefinition(configWith({ UserDatasetArn: undefined, S3UserDatasourcePath: undefined })),
    service,
    'stuck-import',
  );

  assert.equal(result.kind === 'failed' && result.error, 'Pipeline.PollLimitExceeded');
  assert.match(
    result.kind === 'failed' ? result.cause : '',
    /is still CREATE IN_PROGRESS after 250 status checks 30 s apart \(2\.1 h\)\. Raise PollInterval/,
  );
  // Two imports in parallel, each checked exactly its budget of times.
  assert.equal(service.callsOf('describeDatasetImportJob').length, 2 * 250);
  assert.equal(service.callsOf('createSolutionVersion').length, 0);
  assert.deepEqual(
    service.notifications.map((notice) => [notice['Outcome'], notice['Error']]),
    [['FAILED', 'Pipeline.PollLimitExceeded']],
  );
});

test('a training that never finishes and a campaign update that never serves the new version end the same way', async () => {
  const training = new FakePersonalize();
  training.trainingLifecycle = { pollsInProgress: Number.POSITIVE_INFINITY, end: 'ACTIVE' };
  const trained = await execute(buildDefinition(configWith()), training, 'stuck-training');
  assert.equal(trained.kind === 'failed' && trained.error, 'Pipeline.PollLimitExceeded');
  assert.equal(training.callsOf('describeSolutionVersion').length, 1000);
  assert.equal(training.callsOf('updateCampaign').length, 0);

  const rollout = new FakePersonalize();
  rollout.campaignPollsInProgress = Number.POSITIVE_INFINITY;
  const rolled = await execute(buildDefinition(configWith()), rollout, 'stuck-rollout');
  assert.equal(rolled.kind === 'failed' && rolled.error, 'Pipeline.PollLimitExceeded');
  assert.match(
    rolled.kind === 'failed' ? rolled.cause : '',
    /campaign\/shop-front to .* is still UPDATE IN_PROGRESS after 150/,
  );
  assert.equal(rollout.notifications[0]?.['Outcome'], 'FAILED');
});
