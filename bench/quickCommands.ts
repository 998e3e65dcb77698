/**
 * Wall time of the quick commands a user types often, `status` and `history` (and `--version`), as
 * whole `personalize-retrain` processes on a state dir with some history: the median of N runs each,
 * for this checkout and, with --baseline, for another built checkout in the same run (interleaved,
 * so both sides see the same machine load).
 *
 *   npx tsc -p tsconfig.json && npm run build
 *   node dist/bench/quickCommands.js [--runs 10] [--baseline /path/to/other/checkout]
 *
 * The baseline checkout must be built (`npm run build`) and have node_modules (a symlink will do).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openExecutionStore, EXECUTIONS_FILE } from '../src/pipeline/executions/index.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, baseline: { type: 'string' } },
});
const runs = Number(values.runs);
const checkouts: [string, string][] = [['this checkout', resolve('.')]];
if (values.baseline) checkouts.unshift(['baseline', resolve(values.baseline)]);

// A state dir with 200 finished runs of two pipelines, as after months of weekly retraining.
const stateDir = mkdtempSync(join(tmpdir(), 'pr-bench-quick-'));
const store = openExecutionStore(join(stateDir, EXECUTIONS_FILE));
for (let i = 0; i < 200; i += 1) {
  const run = store.begin({
    pipelineName: i % 2 ? 'shop-prod' : 'shop-staging',
    executionName: `run-${i}`,
    target: 'local',
  });
  store.finish(run.id, { status: 'SUCCEEDED' });
}
store.close();

const commands: [string, string[]][] = [
  ['status', ['status', '--state-dir', stateDir]],
  ['history', ['history', '--state-dir', stateDir]],
  ['--version', ['--version']],
];

function timeOnce(checkout: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [join(checkout, 'bin', 'personalize-retrain.js'), ...args], {
    cwd: stateDir,
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // The baseline may lack a command (--version): shown as n/a.
  return result.status === 0 ? ms : Number.NaN;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

try {
  const times = new Map<string, number[]>();
  for (const [name, args] of commands) {
    for (const [, checkout] of checkouts) timeOnce(checkout, args); // warm the file cache
    for (let i = 0; i < runs; i += 1)
      for (const [label, checkout] of checkouts) {
        const key = `${name}|${label}`;
        times.set(key, [...(times.get(key) ?? []), timeOnce(checkout, args)]);
      }
  }
  console.log(`median of ${runs} runs, Node ${process.version}\n`);
  console.log(
    `| command | ${checkouts.map(([label]) => label).join(' | ')}${checkouts.length > 1 ? ' | after ÷ before' : ''} |`,
  );
  for (const [name] of commands) {
    const medians = checkouts.map(([label]) => median(times.get(`${name}|${label}`) ?? []));
    const ratio = medians.length > 1 ? ` | ${((medians[1] ?? 0) / (medians[0] ?? 1)).toFixed(2)}` : '';
    const shown = medians.map((ms) => (Number.isNaN(ms) ? 'n/a' : `${ms.toFixed(0)} ms`));
    console.log(`| \`${name}\` | ${shown.join(' | ')}${ratio.includes('NaN') ? ' | n/a' : ratio} |`);
  }
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
