/**
 * Quality and training-time bars of issues 4 and 14 on MovieLens-small: our user-personalization
 * (default settings) and popularity-count against a numpy/scipy iALS reference
 * (bench/reference_ials.py) run in the same process tree with the same factors, epochs,
 * regularization and alpha; and a whole solution version (issue 14: at most 0.5× the reference's
 * single training, at k = 24, 32 and 64: `--hidden_dimension 24,32,64` runs each k in turn and ends
 * with a summary table). The reference is timed with its BLAS at one thread and at its default,
 * alternating, and the bars use the faster of the two.
 *
 *   node dist/bench/quality.js [ratings.csv] [--runs 3] [--hidden_dimension N[,N…] --epochs N --regularization X --alpha X]
 *
 * Protocol: per user (≥ 2 ratings) the newest max(1, round(n/10)) ratings are held out; nDCG@10 over
 * those users, items seen in training excluded; each rating is one implicit event.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ALS } from '../src/engine/train/hyperParameters.js';
import { holdOutLatest, type HoldoutSplit } from '../src/engine/train/offlineEvaluation.js';
import { ndcgAtK } from '../src/engine/train/offlineMetrics.js';
import { Recommender } from '../src/engine/train/recommender.js';
import { fitModel, type TrainingRequest } from '../src/engine/train/trainSolution.js';
import { startTrainingRun } from '../src/engine/train/trainingWorkerClient.js';
import type { Algorithm } from '../src/engine/train/recipeCatalog.js';
import { loadMovieLens, median, MOVIELENS_RATINGS } from './trainBenchData.js';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const ratingsPath =
  args.find((arg, i) => !arg.startsWith('--') && !(args[i - 1] ?? '').startsWith('--')) ?? MOVIELENS_RATINGS;
const overrides: Record<string, string> = {};
for (const key of [
  'hidden_dimension',
  'epochs',
  'regularization',
  'alpha',
  'cg_steps',
  'recency_half_life_days',
]) {
  const at = args.indexOf(`--${key}`);
  if (at >= 0) overrides[key] = args[at + 1]!;
}

function ndcgAt10(recommender: Recommender, split: HoldoutSplit): number {
  let total = 0;
  for (const query of split.queries) {
    const user = recommender.userIndexOf(query.userId);
    const relevant = new Set(query.itemIds.map((id, i) => recommender.itemIndexOf(id) ?? -1 - i));
    const top = user === undefined ? recommender.popularIndices(10) : recommender.recommendIndices(user, 10);
    total += ndcgAtK(top, relevant, 10);
  }
  return total / split.queries.length;
}

function ours(
  algorithm: Algorithm,
  split: HoldoutSplit,
  table: TrainingRequest['interactions'],
  hyperParameters: Record<string, string>,
) {
  const request: TrainingRequest = { algorithm, interactions: table, hyperParameters, seed: 1 };
  const times: number[] = [];
  let ndcg = 0;
  for (let run = 0; run < (algorithm === 'popularity-count' ? 1 : runs); run++) {
    const started = performance.now();
    const { model } = fitModel(request, split.trainRows);
    times.push((performance.now() - started) / 1000);
    ndcg = ndcgAt10(new Recommender(model), split);
  }
  return { ndcg, seconds: median(times) };
}

const table = loadMovieLens(ratingsPath);
const split = holdOutLatest(table);
const epochs = overrides['epochs'] ?? String(DEFAULT_ALS.epochs);
const regularization = overrides['regularization'] ?? String(DEFAULT_ALS.regularization);
const alpha = overrides['alpha'] ?? String(DEFAULT_ALS.alpha);
const kValues = (overrides['hidden_dimension'] ?? String(DEFAULT_ALS.factors)).split(',');

/**
 * What a user waits for: a whole solution version (evaluation model, metrics, served model) on all
 * the ratings, in worker threads as the engine runs it, from the request to the finished outcome.
 * CPU seconds are the whole process's (both workers): wall ≈ CPU ÷ 2 means the two halves overlapped.
 */
async function wholeVersion(hyperParameters: Record<string, string>) {
  const request: TrainingRequest = {
    algorithm: 'user-personalization',
    interactions: table,
    hyperParameters,
    seed: 1,
  };
  const times: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await startTrainingRun(request).outcome;
    times.push((performance.now() - started) / 1000);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1e6);
  }
  return { seconds: median(times), cpuSeconds: median(cpu) };
}

const script = fileURLToPath(new URL('../../bench/reference_ials.py', import.meta.url));
type ReferenceRun = { ndcg_at_10: number; training_seconds: number };
/**
 * numpy's BLAS starts one thread per core by default; on a small shared machine those threads
 * oversubscribe the cores and the reference slows several-fold. It is timed both ways, alternating,
 * and compared on its faster setting.
 */
const BLAS_SETTINGS = {
  'BLAS threads 1': { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  'BLAS threads default': {},
} as const;
type BlasSetting = keyof typeof BLAS_SETTINGS;
const settings = Object.keys(BLAS_SETTINGS) as BlasSetting[];

function runReference(setting: BlasSetting, factors: string): ReferenceRun {
  const env = { ...process.env };
  for (const name of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) delete env[name];
  const output = execFileSync(
    'python3',
    [script, '--ratings', ratingsPath, '--factors', factors, '--epochs', epochs].concat([
      '--regularization',
      regularization,
      '--alpha',
      alpha,
    ]),
    { env: { ...env, ...BLAS_SETTINGS[setting] } },
  );
  return JSON.parse(output.toString('utf8')) as ReferenceRun;
}

function referenceTimes(factors: string) {
  const byRun = new Map<BlasSetting, ReferenceRun[]>(settings.map((setting) => [setting, []]));
  for (let run = 0; run < runs; run++) {
    for (const setting of settings) byRun.get(setting)!.push(runReference(setting, factors));
  }
  return settings.map((setting) => {
    const results = byRun.get(setting)!;
    return { setting, ndcg: results[0]!.ndcg_at_10, seconds: median(results.map((r) => r.training_seconds)) };
  });
}

const row = (name: string, r: { ndcg: number; seconds: number }) =>
  `| ${name} | ${r.ndcg.toFixed(4)} | ${r.seconds.toFixed(3)} |`;
const summary: string[] = [];

for (const factors of kValues) {
  const hyperParameters = { ...overrides, hidden_dimension: factors };
  const alsResult = ours('user-personalization', split, table, hyperParameters);
  const popularity = ours('popularity-count', split, table, hyperParameters);
  const whole = await wholeVersion(hyperParameters);
  const referenceBySetting = referenceTimes(factors);
  const reference = referenceBySetting.reduce((best, r) => (r.seconds < best.seconds ? r : best));

  console.log(
    `\nMovieLens-small: ${table.rowCount} ratings, ${split.queries.length} test users; factors ${factors}, epochs ${epochs}, regularization ${regularization}, alpha ${alpha}; median of ${runs} runs`,
  );
  console.log('| model | nDCG@10 | training s |');
  console.log('| --- | --- | --- |');
  console.log(row('ours: user-personalization (iALS, CG)', alsResult));
  for (const r of referenceBySetting) {
    console.log(row(`reference: numpy/scipy iALS (exact solves), ${r.setting}`, r));
  }
  console.log(row('ours: popularity-count', popularity));
  console.log(
    `| ours: whole solution version (evaluation model, metrics, served model; workers; CPU ${whole.cpuSeconds.toFixed(3)} s) | — | ${whole.seconds.toFixed(3)} |`,
  );
  console.log(`reference compared on its faster setting: ${reference.setting}`);
  const bars = [
    ['nDCG@10 ours ≥ reference', alsResult.ndcg >= reference.ndcg],
    ['nDCG@10 ours ≥ 1.5 × popularity', alsResult.ndcg >= 1.5 * popularity.ndcg],
    ['training time ours ≤ 0.5 × reference', alsResult.seconds <= 0.5 * reference.seconds],
    ['whole solution version ≤ 0.5 × reference training', whole.seconds <= 0.5 * reference.seconds],
  ] as const;
  for (const [name, ok] of bars) console.log(`${ok ? 'PASS' : 'FAIL'} ${name}`);
  console.log(
    `ratios: ours/reference nDCG ${(alsResult.ndcg / reference.ndcg).toFixed(3)}, ours/popularity nDCG ${(alsResult.ndcg / popularity.ndcg).toFixed(3)}, ours/reference time ${(alsResult.seconds / reference.seconds).toFixed(3)}, whole version/reference training ${(whole.seconds / reference.seconds).toFixed(3)}`,
  );
  for (const r of referenceBySetting) {
    console.log(
      `whole version/reference training (${r.setting}): ${(whole.seconds / r.seconds).toFixed(3)}; ours/reference training: ${(alsResult.seconds / r.seconds).toFixed(3)}`,
    );
  }
  // The issue-14 bars: whole version ≤ 0.5 × the reference and nDCG@10 ≥ the reference's.
  const issue14 = bars[0][1] && bars[3][1];
  summary.push(
    `| ${factors} | ${alsResult.ndcg.toFixed(4)} / ${reference.ndcg.toFixed(4)} | ${alsResult.seconds.toFixed(3)} | ${whole.seconds.toFixed(3)} (CPU ${whole.cpuSeconds.toFixed(3)}) | ${referenceBySetting.map((r) => r.seconds.toFixed(3)).join(' | ')} | **${(whole.seconds / reference.seconds).toFixed(3)}** | ${issue14 ? 'met' : 'missed'} |`,
  );
  if (bars.some(([, ok]) => !ok)) process.exitCode = 1;
}

console.log(`\nSummary (medians of ${runs}; reference on its faster BLAS setting for the ratio):`);
console.log(
  `| k | nDCG@10 ours / reference | our training s | whole version s | ${settings.map((s) => `reference s, ${s}`).join(' | ')} | whole version ÷ reference | bar ≤ 0.5, nDCG ≥ reference |`,
);
console.log(`| --- | --- | --- | --- | ${settings.map(() => '---').join(' | ')} | --- | --- |`);
for (const line of summary) console.log(line);
