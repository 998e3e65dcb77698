import {
  CreateBatchInferenceJobCommand,
  DescribeBatchInferenceJobCommand,
  DescribeCampaignCommand,
  ListDatasetImportJobsCommand,
  ListSolutionVersionsCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parsePipelineConfig } from '../../../src/config/pipelineConfig.js';
import {
  DEMO_BUCKET,
  DEMO_ROLE_ARN,
  ensureDemoResources,
  writeShopExport,
  type DemoResources,
} from '../../../src/demo/demoShopSetup.js';
import { generateShop } from '../../../src/demo/syntheticShop.js';
import { buildDefinition } from '../../../src/pipeline/definition/index.js';
import { runPipeline, type RetrainingRunOutcome } from '../../../src/pipeline/runner/index.js';
import { startTestEngine, type EngineFixture } from '../../support/engine.js';
import { waitFor } from '../../support/wait.js';
import { silentNotifier, startWebhook, tempStore } from '../runner/support.js';

/**
 * The definition as the product runs it: built from a parameters file, executed by the local
 * runner against the real engine, on a small shop with three datasets and a campaign.
 */
let engine: EngineFixture;
let demo: DemoResources;
let userIds: string[];
const cleanups: (() => unknown)[] = [];
const suite = { after: (fn: () => unknown) => cleanups.push(fn) };

before(async () => {
  engine = await startTestEngine(suite, { timings: { campaignDeployMs: 20 } });
  const shop = generateShop({ users: 120, items: 200, weeks: 4, seed: 5 });
  userIds = shop.users.map((user) => user.id);
  const paths = writeShopExport(engine.dataRoot, shop, Number.POSITIVE_INFINITY);
  demo = await ensureDemoResources(engine.personalize, paths);
});
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function parametersFor(changes: Record<string, string>): string {
  const values: Record<string, string> = {
    ImportRoleArn: DEMO_ROLE_ARN,
    SolutionArn: demo.solutionArn,
    UserDatasetArn: demo.datasets.users,
    S3UserDatasourcePath: demo.dataPaths.users,
    ItemDatasetArn: demo.datasets.items,
    S3ItemDatasourcePath: demo.dataPaths.items,
    UserInteractionDatasetArn: demo.datasets.interactions,
    S3UserInteractionDatasourcePath: demo.dataPaths.interactions,
    CampaignArn: demo.campaignArn,
    PollInterval: '1',
    ...changes,
  };
  return Object.entries(values)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

async function run(
  t: Parameters<typeof tempStore>[0],
  changes: Record<string, string> = {},
  executionName?: string,
  store = tempStore(t).store,
): Promise<RetrainingRunOutcome> {
  const parsed = parsePipelineConfig(parametersFor(changes), 'flows.cfg');
  assert.ok(parsed.config, JSON.stringify(parsed.issues));
  return runPipeline({
    definition: buildDefinition(parsed.config, { pipelineName: 'flows' }),
    pipelineName: 'flows',
    target: { kind: 'endpoint', endpoint: engine.engine.url },
    store,
    notifier: silentNotifier(parsed.config.notificationUrl),
    ...(executionName ? { executionName } : {}),
    waitOverrideMs: 25, // short, but far from the poll limits (250 import checks) on a slow machine
  });
}

async function servedVersion(personalize: PersonalizeClient): Promise<string | undefined> {
  const { campaign } = await personalize.send(new DescribeCampaignCommand({ campaignArn: demo.campaignArn }));
  return campaign?.solutionVersionArn;
}

async function importJobCount(personalize: PersonalizeClient): Promise<number> {
  let count = 0;
  for (const datasetArn of Object.values(demo.datasets)) {
    const { datasetImportJobs = [] } = await personalize.send(
      new ListDatasetImportJobsCommand({ datasetArn }),
    );
    count += datasetImportJobs.length;
  }
  return count;
}

async function solutionVersionArns(personalize: PersonalizeClient): Promise<string[]> {
  const { solutionVersions = [] } = await personalize.send(
    new ListSolutionVersionsCommand({ solutionArn: demo.solutionArn }),
  );
  return solutionVersions.map((version) => version.solutionVersionArn ?? '').sort();
}

const outcomeOf = (message: unknown) => (message as { message?: { Outcome?: string } }).message?.Outcome;

test('a successful run deploys the new version to the campaign and records it with both metrics', async (t) => {
  const webhook = await startWebhook(t);
  const servedBefore = await servedVersion(engine.personalize);

  const outcome = await run(t, { NotificationUrl: webhook.url });

  const { execution } = outcome;
  assert.equal(execution.status, 'SUCCEEDED', execution.cause ?? '');
  assert.ok(execution.solutionVersionArn && execution.solutionVersionArn !== servedBefore);
  assert.equal(await servedVersion(engine.personalize), execution.solutionVersionArn);
  const { campaign } = await engine.personalize.send(
    new DescribeCampaignCommand({ campaignArn: demo.campaignArn }),
  );
  assert.equal(campaign?.latestCampaignUpdate?.status, 'ACTIVE');
  assert.equal(campaign?.latestCampaignUpdate?.solutionVersionArn, execution.solutionVersionArn);
  assert.equal(execution.previousSolutionVersionArn, servedBefore);
  assert.equal(typeof execution.metrics?.['normalized_discounted_cumulative_gain_at_10'], 'number');
  assert.equal(typeof execution.previousMetrics?.['normalized_discounted_cumulative_gain_at_10'], 'number');
  const imported = outcome.visits.filter((visit) => visit.stateName === 'CreateImportJob');
  assert.deepEqual(imported.map((visit) => visit.iteration).sort(), [0, 1, 2], 'one import per dataset');
  assert.deepEqual(webhook.received.map(outcomeOf), ['SUCCEEDED']);
});

test("a bad CSV fails the run with the import job's reason and a notification; the campaign keeps its version", async (t) => {
  const webhook = await startWebhook(t);
  writeFileSync(
    join(engine.dataRoot, DEMO_BUCKET, 'broken-interactions.csv'),
    'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nuser-00001,item-00001,last tuesday,purchase\n',
  );
  const servedBefore = await servedVersion(engine.personalize);
  const versionsBefore = await solutionVersionArns(engine.personalize);

  const { execution } = await run(t, {
    S3UserInteractionDatasourcePath: `s3://${DEMO_BUCKET}/broken-interactions.csv`,
    NotificationUrl: webhook.url,
  });

  assert.equal(execution.status, 'FAILED');
  assert.equal(execution.error, 'Pipeline.ImportFailed');
  const { datasetImportJobs = [] } = await engine.personalize.send(
    new ListDatasetImportJobsCommand({ datasetArn: demo.datasets.interactions }),
  );
  const failed = datasetImportJobs.find((job) => job.status === 'CREATE FAILED');
  assert.ok(failed?.failureReason, 'the import job failed with a reason');
  assert.ok(execution.cause?.includes(failed.failureReason), `${execution.cause} names the job's reason`);
  assert.match(execution.cause ?? '', /broken-interactions\.csv/);
  assert.equal(await servedVersion(engine.personalize), servedBefore);
  assert.deepEqual(await solutionVersionArns(engine.personalize), versionsBefore, 'nothing was trained');
  assert.deepEqual(webhook.received.map(outcomeOf), ['FAILED']);
});

test('a new version below GateMinimum is REJECTED: trained, not deployed, and the rejection notified', async (t) => {
  const webhook = await startWebhook(t);
  const servedBefore = await servedVersion(engine.personalize);

  const { execution } = await run(t, { GateMinimum: '0.99', NotificationUrl: webhook.url });

  assert.equal(execution.status, 'REJECTED');
  assert.ok(execution.solutionVersionArn && execution.solutionVersionArn !== servedBefore);
  assert.ok((execution.metrics?.['normalized_discounted_cumulative_gain_at_10'] ?? 1) < 0.99);
  assert.equal(await servedVersion(engine.personalize), servedBefore);
  assert.match(execution.cause ?? '', /below GateMinimum 0\.99/);
  assert.deepEqual(webhook.received.map(outcomeOf), ['REJECTED']);
});

test('running a finished execution again under its name reuses its import jobs and solution version', async (t) => {
  const { store } = tempStore(t);
  const first = await run(t, {}, 'nightly-2026-11-23', store);
  assert.equal(first.execution.status, 'SUCCEEDED', first.execution.cause ?? '');
  const jobs = await importJobCount(engine.personalize);
  const versions = await solutionVersionArns(engine.personalize);

  const again = await run(t, {}, 'nightly-2026-11-23', store);

  assert.equal(again.execution.status, 'SUCCEEDED', again.execution.cause ?? '');
  assert.equal(again.execution.solutionVersionArn, first.execution.solutionVersionArn);
  assert.equal(await importJobCount(engine.personalize), jobs, 'no import job was created twice');
  assert.deepEqual(await solutionVersionArns(engine.personalize), versions, 'no version was trained twice');
  const adopted = again.visits.filter((visit) => visit.outcome === 'CAUGHT').map((visit) => visit.error);
  assert.ok(
    adopted.length === 4 && adopted.every((error) => error === 'Personalize.ResourceAlreadyExistsException'),
  );
  assert.equal(await servedVersion(engine.personalize), first.execution.solutionVersionArn);
});

test('a train-only run with batch inference writes recommendations for every input user under its own prefix, and says where', async (t) => {
  const webhook = await startWebhook(t);
  mkdirSync(join(engine.dataRoot, 'batch-jobs', 'input'), { recursive: true });
  writeFileSync(
    join(engine.dataRoot, 'batch-jobs', 'input', 'users.json'),
    userIds.map((userId) => JSON.stringify({ userId })).join('\n'),
  );
  const servedBefore = await servedVersion(engine.personalize);

  const { execution, notifications } = await run(t, {
    CampaignArn: '',
    BatchInferenceInputPath: 's3://batch-jobs/input/users.json',
    BatchInferenceOutputPath: 's3://batch-jobs/output/',
    BatchInferenceNumResults: '10',
    NotificationUrl: webhook.url,
  });

  assert.equal(execution.status, 'SUCCEEDED', execution.cause ?? '');
  const prefix = `s3://batch-jobs/output/${execution.executionName}/`;
  assert.equal((execution.output as { BatchInferenceOutput?: string }).BatchInferenceOutput, prefix);
  const lines = readFileSync(
    join(engine.dataRoot, 'batch-jobs', 'output', execution.executionName, 'users.json.out'),
    'utf8',
  )
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { input: { userId: string }; output: { recommendedItems: string[] } });
  assert.deepEqual(
    lines.map((line) => line.input.userId),
    userIds,
  );
  assert.ok(lines.every((line) => line.output.recommendedItems.length === 10));
  assert.equal(await servedVersion(engine.personalize), servedBefore, 'no campaign was configured');
  const notified = webhook.received[0] as { message?: { BatchInferenceOutput?: string } };
  assert.equal(
    notified.message?.BatchInferenceOutput,
    prefix,
    `the success notification names the output; the webhook got ${JSON.stringify(webhook.received)}, the run's receipts: ${JSON.stringify(notifications)}`,
  );
});

test('SkipUnchangedData never skips when it cannot read the datasource metadata: the run retrains and says why', async (t) => {
  // runPipeline without `datasources`: every s3:listObjectsV2 Task fails, as it would without s3:ListBucket.
  const { execution } = await run(t, { SkipUnchangedData: 'true' });
  assert.equal(execution.status, 'SUCCEEDED', execution.cause ?? '');
  assert.ok(execution.solutionVersionArn, 'a version was trained');
  const verdict = (execution.output as { Detail?: { UnchangedData?: { Verdict?: { Reason?: string } } } })
    .Detail?.UnchangedData?.Verdict?.Reason;
  assert.match(
    verdict ?? '',
    /^Retraining without comparing the data: the object metadata of s3:\/\/\S+ could not be read \(S3\.SdkClientException: /,
  );
});

test("a re-run that meets its crashed predecessor's batch job failed (interrupted) scores again under the next attempt's name and succeeds", async (t) => {
  mkdirSync(join(engine.dataRoot, 'batch-jobs', 'input'), { recursive: true });
  writeFileSync(
    join(engine.dataRoot, 'batch-jobs', 'input', 'users.json'),
    userIds.map((userId) => JSON.stringify({ userId })).join('\n'),
  );
  const executionName = 'crashed-during-batch';
  const runId = `rt-${createHash('md5').update(executionName).digest('hex')}`;
  // What the crash left: the run's first batch job, CREATE FAILED (the engine's recovery says "interrupted").
  const [versionArn = ''] = await solutionVersionArns(engine.personalize);
  const { batchInferenceJobArn } = await engine.personalize.send(
    new CreateBatchInferenceJobCommand({
      jobName: `${runId}-batch-1`,
      solutionVersionArn: versionArn,
      jobInput: { s3DataSource: { path: 's3://batch-jobs/input/gone.json' } },
      jobOutput: { s3DataDestination: { path: `s3://batch-jobs/output/${executionName}/` } },
      roleArn: DEMO_ROLE_ARN,
    }),
  );
  await waitFor(
    () => engine.personalize.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn })),
    (answer) => answer.batchInferenceJob?.status === 'CREATE FAILED',
  );

  const { execution, visits } = await run(
    t,
    {
      CampaignArn: '',
      BatchInferenceInputPath: 's3://batch-jobs/input/users.json',
      BatchInferenceOutputPath: 's3://batch-jobs/output/',
    },
    executionName,
  );

  assert.equal(execution.status, 'SUCCEEDED', execution.cause ?? '');
  assert.ok(visits.some((visit) => visit.stateName === 'NextBatchInferenceAttempt'));
  const { batchInferenceJob } = await engine.personalize.send(
    new DescribeBatchInferenceJobCommand({
      batchInferenceJobArn: batchInferenceJobArn?.replace(/-1$/, '-2'),
    }),
  );
  assert.equal(batchInferenceJob?.status, 'ACTIVE');
  const lines = readFileSync(
    join(engine.dataRoot, 'batch-jobs', 'output', executionName, 'users.json.out'),
    'utf8',
  )
    .trimEnd()
    .split('\n');
  assert.equal(lines.length, userIds.length);
});

test('a batch input with bad lines fails the run, notified, with how many lines failed and which', async (t) => {
  writeFileSync(
    join(engine.dataRoot, 'batch-jobs', 'bad.json'),
    `{"userId": "${userIds[0] ?? ''}"}\n{"user": "x"}\n`,
  );

  const { execution } = await run(t, {
    CampaignArn: '',
    BatchInferenceInputPath: 's3://batch-jobs/bad.json',
    BatchInferenceOutputPath: 's3://batch-jobs/output/',
  });

  assert.equal(execution.status, 'FAILED');
  assert.equal(execution.error, 'Pipeline.BatchInferenceFailed');
  assert.match(execution.cause ?? '', /1 of 2 input lines could not be used; the other 1 were scored/);
  assert.match(execution.cause ?? '', /bad\.json Line 2: unknown field user/);
});
