// Server time of the dashboard's pages: the overview (and a pipeline's page, and /api/pipelines)
// over a demo state dir with its one real run (baseline), then with 200 runs. Each figure is the
// median of the Server-Timing the dashboard reports, after warm-up, in a real `serve` process.
//   npx tsc -p tsconfig.json && node dist/bench/dashboard.js [requests]
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runProgram } from '../src/cli/main.js';
import { DEMO_NAME } from '../src/demo/demoShopSetup.js';
import { EXECUTIONS_FILE, openExecutionStore } from '../src/pipeline/executions/index.js';
import { withServe } from '../scripts/dashboardServe.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
const REQUESTS = Number(process.argv[2] ?? 50);
const WARM_UP = 10;
const RUNS = 200;
const stateDir = join('bench', '.out', `dashboard-${process.pid}`);
const paramsFile = join(stateDir, DEMO_NAME, 'parameters.cfg');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Median server time (Server-Timing) and wall time on loopback of `REQUESTS` sequential GETs. */
async function measure(url: string): Promise<{ server: number; wall: number; bytes: number }> {
  const server: number[] = [];
  const wall: number[] = [];
  let bytes = 0;
  for (let i = 0; i < WARM_UP + REQUESTS; i++) {
    const start = performance.now();
    const response = await fetch(url);
    const body = await response.text();
    const took = performance.now() - start;
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    if (i < WARM_UP) continue;
    bytes = body.length;
    wall.push(took);
    server.push(Number(/dur=([0-9.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1]));
  }
  return { server: median(server), wall: median(wall), bytes };
}

/** Adds finished runs like real ones: a version with metrics, the served one, 40 state visits. */
function addRuns(count: number): void {
  const store = openExecutionStore(join(stateDir, EXECUTIONS_FILE));
  try {
    for (let i = 0; i < count; i++) {
      const run = store.begin({ pipelineName: DEMO_NAME, executionName: `bench-${i}`, target: 'local' });
      for (let seq = 0; seq < 40; seq++) {
        const visit = {
          seq,
          stateName: `State${seq}`,
          stateType: 'Task',
          iteration: null,
          enteredAt: run.startedAt + seq,
          exitedAt: run.startedAt + seq + 1,
          durationMs: 1,
          outcome: 'SUCCEEDED' as const,
          retries: 0,
          error: null,
          cause: null,
        };
        store.saveVisit(run.id, visit);
      }
      const metrics = { normalized_discounted_cumulative_gain_at_10: 0.05 + (i % 17) / 500, coverage: 0.3 };
      store.finish(run.id, {
        status: i % 5 === 0 ? 'REJECTED' : 'SUCCEEDED',
        facts: {
          solutionVersionArn: `arn:aws:personalize:us-east-1:000000000000:solution/${DEMO_NAME}/bench-${i}`,
          metrics,
          previousSolutionVersionArn: null,
          previousMetrics: null,
        },
      });
    }
  } finally {
    store.close();
  }
}

const PAGES = ['/', `/pipelines/${DEMO_NAME}`, '/api/pipelines'];

async function measureAll(
  label: string,
): Promise<Map<string, { server: number; wall: number; bytes: number }>> {
  const flags = ['--params', paramsFile, '--stack-name', DEMO_NAME, '--state-dir', stateDir];
  return withServe(flags, async (url) => {
    const results = new Map<string, { server: number; wall: number; bytes: number }>();
    for (const page of PAGES) {
      const result = await measure(`${url}${page}`);
      results.set(page, result);
      console.log(
        `${label.padEnd(10)} ${page.padEnd(22)} server ${result.server.toFixed(2)} ms  wall ${result.wall.toFixed(2)} ms  ${result.bytes} bytes`,
      );
    }
    return results;
  });
}

rmSync(stateDir, { recursive: true, force: true });
mkdirSync(stateDir, { recursive: true });
const quiet = { out: () => undefined, err: (text: string) => process.stderr.write(text), isTty: false };
if ((await runProgram(['node', 'personalize-retrain', 'demo', '--state-dir', stateDir], quiet)) !== 0)
  throw new Error('demo failed');
const baseline = await measureAll('1 run');
addRuns(RUNS - 1);
const loaded = await measureAll(`${RUNS} runs`);
console.log(`\nmedians of ${REQUESTS} requests after ${WARM_UP} warm-up, Node ${process.version}`);
for (const page of PAGES) {
  const one = baseline.get(page);
  const many = loaded.get(page);
  if (one && many)
    console.log(
      `${page.padEnd(22)} ${RUNS} runs / 1 run: ${(many.server / one.server).toFixed(2)}x server time`,
    );
}
const overview = loaded.get('/')?.server ?? Infinity;
console.log(
  `overview with ${RUNS} runs: ${overview.toFixed(2)} ms server time (bar < 300 ms: ${overview < 300 ? 'met' : 'NOT met'})`,
);
rmSync(stateDir, { recursive: true, force: true });
