import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDefinition } from '../../../src/pipeline/definition/index.js';
import { configWith } from '../../support/pipelineConfigs.js';
import { FakePersonalize, execute } from './fakePersonalize.js';

const trainedWith = (service: FakePersonalize) =>
  service.callsOf('createSolutionVersion').map((call) => call['TrainingMode']);

test("without a TrainingMode in the input, a run trains with the config's TrainingMode (FULL by default)", async () => {
  const full = new FakePersonalize();
  assert.equal((await execute(buildDefinition(configWith()), full, 'plain')).kind, 'succeeded');
  assert.deepEqual(trainedWith(full), ['FULL']);
  const update = new FakePersonalize();
  await execute(buildDefinition(configWith({ TrainingMode: 'UPDATE' })), update, 'configured');
  assert.deepEqual(trainedWith(update), ['UPDATE']);
});

test("the execution input chooses the training mode of one run, over the config's; one definition serves both cadences", async () => {
  const definition = buildDefinition(configWith({ UpdateRate: 'rate(1 day)' }));
  const update = new FakePersonalize();
  const result = await execute(definition, update, 'update-run', undefined, { TrainingMode: 'UPDATE' });
  assert.equal(result.kind, 'succeeded');
  assert.deepEqual(trainedWith(update), ['UPDATE']);
  assert.equal(
    (update.notifications[0]?.['Detail'] as { TrainingMode?: string } | undefined)?.TrainingMode,
    'UPDATE',
    'the notification says which training it was',
  );
  const full = new FakePersonalize();
  await execute(buildDefinition(configWith({ TrainingMode: 'UPDATE' })), full, 'full-run', undefined, {
    TrainingMode: 'FULL',
  });
  assert.deepEqual(trainedWith(full), ['FULL']);
});

test('an input TrainingMode other than FULL or UPDATE fails the run before it imports anything, notified', async () => {
  for (const bad of ['update', 7, { Mode: 'FULL' }]) {
    const service = new FakePersonalize();
    const result = await execute(buildDefinition(configWith()), service, 'bad-mode', undefined, {
      TrainingMode: bad,
    });
    assert.equal(result.kind, 'failed');
    assert.equal(result.kind === 'failed' && result.error, 'Pipeline.InvalidTrainingMode');
    assert.match(result.kind === 'failed' ? result.cause : '', /neither FULL nor UPDATE/);
    assert.equal(service.callsOf('createDatasetImportJob').length, 0);
    assert.equal(service.notifications[0]?.['Outcome'], 'FAILED');
  }
});
