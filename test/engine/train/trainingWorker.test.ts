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
    { onProgress: (p) => progress.push(p), parallel: false },
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

test('the evaluation model and the served model train in two workers at once, with the same result as in one', async () => {
  const request = {
    algorithm: 'user-personalization' as const,
    interactions,
    seed: 1,
    hyperParameters: { epochs: '3' },
  };
  const progress: TrainingProgress[] = [];
  const parallel = await startTrainingRun(request, { parallel: true, onProgress: (p) => progress.push(p) })
    .outcome;
  const sequential = await startTrainingRun(request, { parallel: false }).outcome;
  assert.ok(parallel.model.equals(sequential.model));
  assert.deepEqual(parallel.metrics, sequential.metrics);
  assert.deepEqual({ ...parallel.stats, trainingSeconds: 0 }, { ...sequential.stats, trainingSeconds: 0 });
  for (const phase of ['evaluation-model', 'final-model'])
    assert.deepEqual(
      progress.filter((p) => p.phase === phase).map((p) => p.epoch),
      [1, 2, 3],
    );
});

test('in two workers, one half failing fails the run with its cause', async () => {
  const run = startTrainingRun(
    { algorithm: 'user-personalization', interactions, hyperParameters: { hidden_dimension: 'many' } },
    { parallel: true },
  );
  await assert.rejects(
    run.outcome,
    (error: unknown) => error instanceof TrainingFailedError && error.causeName === 'HyperParameterError',
  );
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
