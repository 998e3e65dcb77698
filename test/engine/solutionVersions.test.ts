import {
  CreateSolutionVersionCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
  InvalidInputException,
  ListSolutionVersionsCommand,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  StopSolutionVersionCreationCommand,
} from '@aws-sdk/client-personalize';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeTempDir, startTestEngine } from '../support/engine.js';
import { RECIPE, createSolution, importShop, trainVersion } from '../support/shop.js';
import { HeldTrainings } from '../support/trainingGate.js';
import { waitFor } from '../support/wait.js';

const METRIC_KEYS = [
  'coverage',
  'mean_reciprocal_rank_at_25',
  'normalized_discounted_cumulative_gain_at_10',
  'normalized_discounted_cumulative_gain_at_25',
  'normalized_discounted_cumulative_gain_at_5',
  'precision_at_10',
  'precision_at_25',
  'precision_at_5',
];

test('a FULL solution version trains to ACTIVE and reports the service metric keys', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn } = await importShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'recs');
  const { solutionVersionArn, version } = await trainVersion(personalize, solutionArn);

  assert.match(
    solutionVersionArn,
    /^arn:aws:personalize:us-east-1:000000000000:solution\/recs\/[0-9a-f]{8}$/,
  );
  assert.equal(version?.status, 'ACTIVE', version?.failureReason);
  assert.equal(version?.trainingMode, 'FULL');
  assert.equal(version?.recipeArn, RECIPE.userPersonalization);
  assert.ok((version?.trainingHours ?? 0) > 0);

  const { metrics = {} } = await personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn }));
  assert.deepEqual(Object.keys(metrics).sort(), METRIC_KEYS);
  for (const [key, value] of Object.entries(metrics)) assert.ok(value >= 0 && value <= 1, `${key}=${value}`);
  assert.ok(
    (metrics['normalized_discounted_cumulative_gain_at_10'] ?? 0) > 0,
    'the model ranks nothing right',
  );

  const { solution } = await personalize.send(new DescribeSolutionCommand({ solutionArn }));
  assert.equal(solution?.latestSolutionVersion?.solutionVersionArn, solutionVersionArn);
  const { solutionVersions = [] } = await personalize.send(new ListSolutionVersionsCommand({ solutionArn }));
  assert.deepEqual(
    solutionVersions.map((v) => [v.solutionVersionArn, v.status]),
    [[solutionVersionArn, 'ACTIVE']],
  );
});

test('UPDATE training needs an ACTIVE FULL version and a user-personalization recipe', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn } = await importShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'recs');
  await assert.rejects(
    personalize.send(new CreateSolutionVersionCommand({ solutionArn, trainingMode: 'UPDATE' })),
    (error: unknown) => error instanceof InvalidInputException && /FULL first/.test(error.message),
  );
  await trainVersion(personalize, solutionArn, 'FULL');
  const update = await trainVersion(personalize, solutionArn, 'UPDATE');
  assert.equal(update.version?.status, 'ACTIVE', update.version?.failureReason);
  assert.equal(update.version?.trainingMode, 'UPDATE');

  const popular = await createSolution(personalize, datasetGroupArn, 'popular', RECIPE.popularity, {});
  await trainVersion(personalize, popular, 'FULL');
  await assert.rejects(
    personalize.send(new CreateSolutionVersionCommand({ solutionArn: popular, trainingMode: 'UPDATE' })),
    (error: unknown) => error instanceof InvalidInputException && /user-personalization/.test(error.message),
  );
});

test('a solution trains one version at a time, and version names are unique per solution', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn } = await importShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'recs');
  const { solutionVersionArn } = await personalize.send(
    new CreateSolutionVersionCommand({ solutionArn, name: 'run-1' }),
  );
  await assert.rejects(
    personalize.send(new CreateSolutionVersionCommand({ solutionArn })),
    ResourceInUseException,
  );
  await waitFor(
    () => personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
    (r) => r.solutionVersion?.status === 'ACTIVE',
  );
  await assert.rejects(
    personalize.send(new CreateSolutionVersionCommand({ solutionArn, name: 'run-1' })),
    ResourceAlreadyExistsException,
  );
  const { solutionVersion } = await personalize.send(
    new DescribeSolutionVersionCommand({ solutionVersionArn }),
  );
  assert.equal(solutionVersion?.name, 'run-1');
});

test('StopSolutionVersionCreation moves a training version through CREATE STOPPING to CREATE STOPPED', async (t) => {
  // The training waits at the gate, stop or not, until the test lets it notice the stop.
  const held = new HeldTrainings(false);
  const { personalize, dataRoot } = await startTestEngine(t, { trainingGate: held.gate });
  const { datasetGroupArn } = await importShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'slow', RECIPE.userPersonalization);
  const { solutionVersionArn } = await personalize.send(new CreateSolutionVersionCommand({ solutionArn }));
  assert.equal(await held.nextArrival(), solutionVersionArn);
  await personalize.send(new StopSolutionVersionCreationCommand({ solutionVersionArn }));
  const stopping = await personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn }));
  assert.equal(stopping.solutionVersion?.status, 'CREATE STOPPING');
  held.release();
  const stopped = await waitFor(
    () => personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
    (r) => r.solutionVersion?.status !== 'CREATE STOPPING',
  );
  assert.equal(stopped.solutionVersion?.status, 'CREATE STOPPED');
  await assert.rejects(
    personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn })),
    ResourceInUseException,
  );
});

test('training fails cleanly, with the reason, on bad hyperparameters', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn } = await importShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'bad', RECIPE.userPersonalization, {
    hidden_dimension: 'many',
  });
  const { version } = await trainVersion(personalize, solutionArn);
  assert.equal(version?.status, 'CREATE FAILED');
  assert.match(version?.failureReason ?? '', /hidden_dimension/);
});

test('an engine shut down mid-training leaves the version CREATE FAILED "interrupted", not stopped', async (t) => {
  const stateDir = makeTempDir();
  const held = new HeldTrainings();
  const first = await startTestEngine(t, { stateDir, trainingGate: held.gate });
  const { datasetGroupArn } = await importShop(first.personalize, first.dataRoot);
  const solutionArn = await createSolution(
    first.personalize,
    datasetGroupArn,
    'slow',
    RECIPE.userPersonalization,
  );
  const { solutionVersionArn } = await first.personalize.send(
    new CreateSolutionVersionCommand({ solutionArn }),
  );
  assert.equal(await held.nextArrival(), solutionVersionArn);
  await first.engine.close();
  const db = new Database(join(stateDir, 'engine.sqlite'), { readonly: true });
  const onDisk = db
    .prepare('SELECT status, failure_reason FROM solution_versions WHERE arn = ?')
    .get(solutionVersionArn);
  db.close();
  assert.deepEqual(
    onDisk,
    { status: 'CREATE FAILED', failure_reason: 'interrupted' },
    'recorded at shutdown',
  );

  const { personalize } = await startTestEngine(t, { stateDir });
  const { solutionVersion } = await personalize.send(
    new DescribeSolutionVersionCommand({ solutionVersionArn }),
  );
  assert.equal(solutionVersion?.status, 'CREATE FAILED');
  assert.equal(solutionVersion?.failureReason, 'interrupted');
});
