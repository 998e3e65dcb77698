/**
 * Scale of ALS training on synthetic power-law interactions: seconds per epoch and peak RSS at 1M, 5M
 * and 20M events (users = events/50, items = events/200). Each size runs in its own child process so
 * peak RSS is that size's alone.
 *
 *   node dist/bench/scale.js [--epochs 3] [1000000 5000000 20000000]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildInteractionMatrix } from '../src/engine/train/interactionMatrix.js';
import { parseAlsHyperParameters } from '../src/engine/train/hyperParameters.js';
import { trainImplicitAls } from '../src/engine/train/implicitAls.js';
import { powerLawInteractions } from './trainBenchData.js';

const args = process.argv.slice(2);
const epochsAt = args.indexOf('--epochs');
const EPOCHS = epochsAt >= 0 ? Number(args.splice(epochsAt, 2)[1]) : 3;

interface SizeResult {
  events: number;
  users: number;
  items: number;
  cells: number;
  buildSeconds: number;
  secondsPerEpoch: number;
  peakRssMiB: number;
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
  console.log(
    '| events | users | items | distinct cells | matrix build s | s per epoch | s per epoch per 1M cells | peak RSS MiB |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const size of sizes) {
    const output = execFileSync(process.execPath, [
      '--max-old-space-size=8192',
      self,
      '--epochs',
      String(EPOCHS),
      '--one',
      String(size),
    ]);
    const r = JSON.parse(output.toString('utf8')) as SizeResult;
    console.log(
      `| ${r.events.toLocaleString('en')} | ${r.users.toLocaleString('en')} | ${r.items.toLocaleString('en')} | ${r.cells.toLocaleString('en')} | ${r.buildSeconds.toFixed(2)} | ${r.secondsPerEpoch.toFixed(2)} | ${((r.secondsPerEpoch * 1e6) / r.cells).toFixed(3)} | ${r.peakRssMiB.toFixed(0)} |`,
    );
  }
}
