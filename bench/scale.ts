/**
 * Scale of ALS training on synthetic power-law interactions: seconds per epoch and peak RSS at 1M, 5M
 * and 20M events (users = events/50, items = events/200). Each size runs in its own child process so
 * peak RSS is that size's alone.
 *
 *   node dist/bench/scale.js [--epochs 3] [--reference] [1000000 5000000 20000000]
 *
 * With --reference, each size's interaction matrix (the same cells and weights we train on) is also
 * handed to the numpy reference (bench/reference_ials.py --csr, BLAS at one thread), which times one
 * epoch: its per-row Python loop is too slow at 20M for a whole training, so the comparison is per
 * epoch.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInteractionMatrix, type InteractionMatrix } from '../src/engine/train/interactionMatrix.js';
import { parseAlsHyperParameters } from '../src/engine/train/hyperParameters.js';
import { trainImplicitAls } from '../src/engine/train/implicitAls.js';
import { powerLawInteractions } from './trainBenchData.js';

const args = process.argv.slice(2);
const epochsAt = args.indexOf('--epochs');
const EPOCHS = epochsAt >= 0 ? Number(args.splice(epochsAt, 2)[1]) : 3;
const referenceAt = args.indexOf('--reference');
const REFERENCE = referenceAt >= 0 && args.splice(referenceAt, 1).length > 0;

interface SizeResult {
  events: number;
  users: number;
  items: number;
  cells: number;
  buildSeconds: number;
  secondsPerEpoch: number;
  peakRssMiB: number;
  /** The numpy reference's one epoch on the same matrix (--reference). */
  referenceEpochSeconds?: number;
}

/** One epoch of the numpy reference on the matrix we trained on, BLAS at one thread. */
function referenceEpochSeconds(matrix: InteractionMatrix): number {
  const dir = mkdtempSync(join(tmpdir(), 'scale-reference-'));
  try {
    const { indptr, indices, values, rows, cols } = matrix.byUser;
    const bytes = (a: Int32Array | Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    writeFileSync(join(dir, 'indptr.i32'), bytes(indptr));
    writeFileSync(join(dir, 'indices.i32'), bytes(indices));
    writeFileSync(join(dir, 'values.f32'), bytes(values));
    writeFileSync(join(dir, 'shape.json'), JSON.stringify({ users: rows, items: cols }));
    const als = parseAlsHyperParameters({});
    const script = fileURLToPath(new URL('../../bench/reference_ials.py', import.meta.url));
    const output = execFileSync(
      'python3',
      [script, '--csr', dir, '--epochs', '1', '--factors', String(als.factors)].concat([
        '--regularization',
        String(als.regularization),
        '--alpha',
        String(als.alpha),
      ]),
      { env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } },
    );
    return (JSON.parse(output.toString('utf8')) as { epoch_seconds: number[] }).epoch_seconds[0]!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runOne(events: number): SizeResult {
  const table = powerLawInteractions(events, Math.round(events / 50), Math.round(events / 200), 7);
  let started = performance.now();
  const matrix = buildInteractionMatrix(table);
  const buildSeconds = (performance.now() - started) / 1000;
  const marks: number[] = [];
  started = performance.now();
  trainImplicitAls(matrix, parseAlsHyperParameters({ epochs: String(EPOCHS) }), {
    seed: 1,
    onProgress: () => marks.push(performance.now()),
  });
  return {
    events,
    users: matrix.userIds.length,
    items: matrix.itemIds.length,
    cells: matrix.byUser.indices.length,
    buildSeconds,
    secondsPerEpoch: (marks.at(-1)! - started) / EPOCHS / 1000,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    ...(REFERENCE ? { referenceEpochSeconds: referenceEpochSeconds(matrix) } : {}),
  };
}

if (args[0] === '--one') {
  console.log(JSON.stringify(runOne(Number(args[1]))));
} else {
  const sizes = args.length > 0 ? args.map(Number) : [1_000_000, 5_000_000, 20_000_000];
  const self = fileURLToPath(import.meta.url);
  console.log(
    `ALS, default settings, ${EPOCHS} epochs per size; power-law users (events/50) and items (events/200)`,
  );
  const referenceColumns = REFERENCE ? ' reference s per epoch (BLAS 1 thread) | ours ÷ reference |' : '';
  console.log(
    `| events | users | items | distinct cells | matrix build s | s per epoch | s per epoch per 1M cells | peak RSS MiB |${referenceColumns}`,
  );
  console.log(`| --- | --- | --- | --- | --- | --- | --- | --- |${REFERENCE ? ' --- | --- |' : ''}`);
  for (const size of sizes) {
    const output = execFileSync(process.execPath, [
      '--max-old-space-size=8192',
      self,
      '--epochs',
      String(EPOCHS),
      '--one',
      String(size),
      ...(REFERENCE ? ['--reference'] : []),
    ]);
    const r = JSON.parse(output.toString('utf8')) as SizeResult;
    console.log(
      `| ${r.events.toLocaleString('en')} | ${r.users.toLocaleString('en')} | ${r.items.toLocaleString('en')} | ${r.cells.toLocaleString('en')} | ${r.buildSeconds.toFixed(2)} | ${r.secondsPerEpoch.toFixed(2)} | ${((r.secondsPerEpoch * 1e6) / r.cells).toFixed(3)} | ${r.peakRssMiB.toFixed(0)} |${
        r.referenceEpochSeconds === undefined
          ? ''
          : ` ${r.referenceEpochSeconds.toFixed(2)} | ${(r.secondsPerEpoch / r.referenceEpochSeconds).toFixed(3)} |`
      }`,
    );
  }
}
