import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeModel } from '../../../src/engine/train/modelCodec.js';
import { TrainingStoppedError, type TrainingProgress } from '../../../src/engine/train/trainingControl.js';
import { startTrainingRun, TrainingFailedError } from '../../../src/engine/train/trainingWorkerClient.js';
import { clusteredTable } from './syntheticInteractions.js';

const interactions = clusteredTable({
  users: 150,
  items: 120,
  clusters: 4,
  eventsPerUser: 12,
  loyalty: 0.9,
  seed: 8,
});

test('a worker thread trains the model and posts back its blob, metrics and progress', async () => {
  const progress: TrainingProgress[] = [];
  const run = startTrainingRun(
    { algorithm: 'user-personalization', interactions, seed: 1, hyperParameters: { epochs: '3' } },
    { onProgress: (p) => progress.push(p) },
  );
  const outcome = await run.outcome;
  assert.equal(decodeModel(outcome.model).algorithm, 'user-personalization');
  assert.ok(outcome.metrics);
  assert.deepEqual(
    progress.map((p) => `${p.phase}:${p.epoch}/${p.epochs}`),
    [
      'evaluation-model:1/3',
      'evaluation-model:2/3',
      'evaluation-model:3/3',
      'final-model:1/3',
      'final-model:2/3',
      'final-model:3/3',
    ],
  );
  // The caller's table was copied, not transferred: it is still readable.
  assert.equal(interactions.columns['USER_ID']?.kind, 'string');
  assert.ok((interactions.columns['TIMESTAMP'] as { values: Float64Array }).values.length > 0);
});

test('stopping a training rejects its outcome with TrainingStoppedError', async () => {
  const stopRequests: (() => void)[] = [];
  const run = startTrainingRun(
    { algorithm: 'user-personalization', interactions, seed: 1, hyperParameters: { epochs: '500' } },
    { onProgress: () => stopRequests.forEach((stop) => stop()) },
  );
  stopRequests.push(() => run.stop());
  await assert.rejects(run.outcome, TrainingStoppedError);
});

test('a bad hyperparameter fails the training with the cause named', async () => {
  const run = startTrainingRun({
    algorithm: 'user-personalization',
    interactions,
    hyperParameters: { hidden_dimension: 'many' },
  });
  await assert.rejects(
    run.outcome,
    (error: unknown) =>
      error instanceof TrainingFailedError &&
      error.causeName === 'HyperParameterError' &&
      /hidden_dimension is 'many'/.test(error.message),
  );
});
