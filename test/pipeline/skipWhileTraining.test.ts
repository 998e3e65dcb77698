import {
  CreateSolutionVersionCommand,
  ListDatasetImportJobsCommand,
  ListSolutionVersionsCommand,
  StopSolutionVersionCreationCommand,
} from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePipelineConfig } from '../../src/config/pipelineConfig.js';
import { buildDefinition } from '../../src/pipeline/definition/index.js';
import { openExecutionStore } from '../../src/pipeline/executions/index.js';
import { runPipeline, type Notification, type Notifier } from '../../src/pipeline/runner/index.js';
import { startTestEngine } from '../support/engine.js';
import { HeldTrainings } from '../support/trainingGate.js';
import { RECIPE, createSolution, importShop } from '../support/shop.js';

test('a run that starts while the solution is still training stands down: SKIPPED, notified, nothing created', async (t) => {
  // The training waits at the gate until the test ends: it is in progress for as long as the run looks.
  const held = new HeldTrainings();
  const { engine, personalize, dataRoot, stateDir } = await startTestEngine(t, { trainingGate: held.gate });
  const { interactionsDatasetArn, datasetGroupArn } = await importShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'busy', RECIPE.userPersonalization);
  const { solutionVersionArn } = await personalize.send(new CreateSolutionVersionCommand({ solutionArn }));
  t.after(() =>
    personalize.send(new StopSolutionVersionCreationCommand({ solutionVersionArn })).catch(() => undefined),
  );
  assert.equal(await held.nextArrival(), solutionVersionArn);

  const parsed = parsePipelineConfig(
    [
      'ImportRoleArn=arn:aws:iam::000000000000:role/Import',
      `SolutionArn=${solutionArn}`,
      `UserInteractionDatasetArn=${interactionsDatasetArn}`,
      'S3UserInteractionDatasourcePath=s3://shop-bucket/shop-interactions.csv',
      'PollInterval=1',
    ].join('\n'),
    'busy.cfg',
  );
  assert.ok(parsed.config, JSON.stringify(parsed.issues));
  const store = openExecutionStore(join(stateDir, 'executions.sqlite'));
  t.after(() => store.close());
  const notices: Notification[] = [];
  const notifier: Notifier = {
    publish: async (notification) => {
      notices.push(notification);
      return { messageId: String(notices.length) };
    },
  };
  const outcome = await runPipeline({
    definition: buildDefinition(parsed.config),
    pipelineName: 'busy',
    target: { kind: 'endpoint', endpoint: engine.url },
    store,
    notifier,
  });

  assert.equal(outcome.execution.status, 'SKIPPED');
  assert.match(outcome.execution.cause ?? '', new RegExp(`${solutionVersionArn}.*still training`));
  assert.equal(notices.length, 1);
  assert.equal((notices[0]?.message as { Outcome?: string }).Outcome, 'SKIPPED');
  assert.match(notices[0]?.subject ?? '', /skipped/);
  const { solutionVersions = [] } = await personalize.send(new ListSolutionVersionsCommand({ solutionArn }));
  assert.equal(solutionVersions.length, 1, 'no second training was started');
  const { datasetImportJobs = [] } = await personalize.send(
    new ListDatasetImportJobsCommand({ datasetArn: interactionsDatasetArn }),
  );
  assert.equal(datasetImportJobs.length, 1, 'nothing was re-imported (only the fixture import exists)');
});
