/**
 * Training-time figures on MovieLens-small beyond the quality bench: FULL versus UPDATE, a whole
 * solution version (evaluation model + metrics + final model) in a worker thread, and the cost per
 * epoch as the number of factors grows.
 *
 *   node dist/bench/training.js [ratings.csv]
 */
import { DEFAULT_ALS } from '../src/engine/train/hyperParameters.js';
import { encodeModel } from '../src/engine/train/modelCodec.js';
import { fitModel, type TrainingRequest } from '../src/engine/train/trainSolution.js';
import { startTrainingRun } from '../src/engine/train/trainingWorkerClient.js';
import { loadMovieLens, median, MOVIELENS_RATINGS } from './trainBenchData.js';

const table = loadMovieLens(process.argv[2] ?? MOVIELENS_RATINGS);
const base: TrainingRequest = { algorithm: 'user-personalization', interactions: table, seed: 1 };

function timed<T>(fn: () => T): { value: T; seconds: number } {
  const started = performance.now();
  const value = fn();
  return { value, seconds: (performance.now() - started) / 1000 };
}

// The newest 10% of events (by timestamp) arrive after the previous FULL version.
const stamps = (table.columns['TIMESTAMP'] as { values: Float64Array }).values;
const cutoff = [...stamps].sort((a, b) => a - b)[Math.floor(stamps.length * 0.9)]!;
const olderRows = Uint8Array.from(stamps, (t) => (t < cutoff ? 1 : 0));
const previous = encodeModel(fitModel(base, olderRows).model);

const full = median([0, 1, 2].map(() => timed(() => fitModel(base)).seconds));
const update = median(
  [0, 1, 2].map(
    () => timed(() => fitModel({ ...base, trainingMode: 'UPDATE', previousModel: previous })).seconds,
  ),
);
const started = performance.now();
const outcome = await startTrainingRun(base).outcome;
const version = (performance.now() - started) / 1000;

console.log(`MovieLens-small, ${table.rowCount} ratings, default settings (${JSON.stringify(DEFAULT_ALS)})`);
console.log('| what | seconds |');
console.log('| --- | --- |');
console.log(`| FULL training (median of 3) | ${full.toFixed(3)} |`);
console.log(`| UPDATE training from a model of the older 90% (median of 3) | ${update.toFixed(3)} |`);
console.log(
  `| whole solution version in a worker (evaluation model, metrics, final model) | ${version.toFixed(3)} |`,
);
console.log(
  `model blob: ${(outcome.model.length / 1024).toFixed(0)} KiB; metrics: ${JSON.stringify(outcome.metrics)}`,
);

console.log('\n| factors | seconds per epoch (median of 3, 4 epochs each) |');
console.log('| --- | --- |');
for (const factors of [16, 24, 64, 128]) {
  const perEpoch = median(
    [0, 1, 2].map(() => {
      const hyperParameters = { hidden_dimension: String(factors), epochs: '4' };
      const marks: number[] = [];
      fitModel({ ...base, hyperParameters }, undefined, { onProgress: () => marks.push(performance.now()) });
      return (marks.at(-1)! - marks[0]!) / 3 / 1000;
    }),
  );
  console.log(`| ${factors} | ${perEpoch.toFixed(4)} |`);
}
