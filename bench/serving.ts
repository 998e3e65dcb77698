/**
 * GetRecommendations under load, against a bare hello-world route on the same framework, in the same
 * run. Each server runs in a child process of its own; autocannon drives it from this process over
 * 127.0.0.1, so the load generator never shares the server's event loop.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/serving.js [--runs 3] [--seconds 5]
 *
 * Data: MovieLens-small (../shared) when present, else the demo's synthetic shop.
 */
import autocannon from 'autocannon';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateShop, interactionsCsv } from '../src/demo/syntheticShop.js';
import { startChildServer } from './childServer.js';
import { steadyLoad, type SteadyLoadResult } from './steadyLoad.js';
import {
  benchClient,
  createSolution,
  deployCampaign,
  importInteractions,
  movieLensInteractions,
  trainVersion,
} from './benchResources.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const RUNS = option('runs', 3);
const SECONDS = option('seconds', 5);
const CONNECTIONS = 10;

function interactionsData(): { csv: string; users: string[]; source: string } {
  const movieLens = movieLensInteractions();
  if (movieLens) return { csv: movieLens.csv, users: movieLens.users, source: 'MovieLens-small' };
  const shop = generateShop();
  return {
    csv: interactionsCsv(shop.interactions),
    users: shop.users.map((u) => u.id),
    source: 'synthetic shop',
  };
}

async function servingCampaign(url: string, dataRoot: string, csv: string): Promise<string> {
  const personalize = benchClient(url);
  try {
    const { datasetGroupArn } = await importInteractions(personalize, dataRoot, 'serving', csv);
    const solutionVersionArn = await trainVersion(
      personalize,
      await createSolution(personalize, datasetGroupArn, 'serving'),
    );
    return await deployCampaign(personalize, 'serving', solutionVersionArn);
  } finally {
    personalize.destroy();
  }
}

interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

async function load(
  url: string,
  path: string,
  body: () => string,
  overallRate?: number,
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(overallRate ? { overallRate } : {}),
    requests: [
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: body() }),
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const loadBefore = loadavg()[0] ?? NaN;
const stateDir = mkdtempSync(join(tmpdir(), 'serving-bench-'));
const data = interactionsData();
const engine = await startChildServer('bin/personalize-retrain.js', [
  'engine',
  '--port',
  '0',
  '--state-dir',
  stateDir,
]);
const hello = await startChildServer('dist/bench/helloServer.js', []);
try {
  const campaignArn = await servingCampaign(engine.url, join(stateDir, 'data'), data.csv);
  let next = 0;
  const recommendation = () =>
    JSON.stringify({ campaignArn, userId: data.users[next++ % data.users.length], numResults: 25 });
  await load(engine.url, '/recommendations', recommendation); // warm-up: models load, JIT settles
  await load(hello.url, '/hello', () => '{}');
  const engineRuns: LoadResult[] = [];
  const helloRuns: LoadResult[] = [];
  for (let run = 0; run < RUNS; run++) {
    helloRuns.push(await load(hello.url, '/hello', () => '{}'));
    engineRuns.push(await load(engine.url, '/recommendations', recommendation));
  }
  // Uncached: every request a (user, numResults) pair not asked before, so the model scores it.
  let cold = 0;
  const uncached = () =>
    JSON.stringify({
      campaignArn,
      userId: data.users[cold % data.users.length],
      numResults: 1 + (Math.floor(cold++ / data.users.length) % 500),
    });
  const coldRuns: LoadResult[] = [];
  for (let run = 0; run < RUNS; run++) coldRuns.push(await load(engine.url, '/recommendations', uncached));
  const fixedRate: LoadResult[] = [];
  for (let run = 0; run < RUNS; run++)
    fixedRate.push(await load(engine.url, '/recommendations', recommendation, 1000));
  const uncachedFixedRate: LoadResult[] = [];
  for (let run = 0; run < RUNS; run++)
    uncachedFixedRate.push(await load(engine.url, '/recommendations', uncached, 1000));
  // The same rate as a steady stream (autocannon's overallRate is a burst at the top of each second).
  const steady: SteadyLoadResult[] = [];
  const steadyUncached: SteadyLoadResult[] = [];
  for (let run = 0; run < RUNS; run++) {
    steady.push(await steadyLoad(engine.url, '/recommendations', recommendation, 1000, SECONDS));
    steadyUncached.push(await steadyLoad(engine.url, '/recommendations', uncached, 1000, SECONDS));
  }

  const engineRps = median(engineRuns.map((r) => r.requestsPerSecond));
  const helloRps = median(helloRuns.map((r) => r.requestsPerSecond));
  const p99 = median(fixedRate.map((r) => r.p99));
  const report = {
    data: `${data.source}: ${data.users.length} users`,
    // Other work on the machine skews latency most: the 1-minute load average before and after.
    loadAverage: [loadBefore, loadavg()[0] ?? NaN].map((average) => Number(average.toFixed(2))),
    connections: CONNECTIONS,
    secondsPerRun: SECONDS,
    runs: RUNS,
    helloRequestsPerSecond: helloRuns.map((r) => Math.round(r.requestsPerSecond)),
    recommendationsPerSecond: engineRuns.map((r) => Math.round(r.requestsPerSecond)),
    ratio: Number((engineRps / helloRps).toFixed(3)),
    uncachedRecommendationsPerSecond: coldRuns.map((r) => Math.round(r.requestsPerSecond)),
    uncachedP99Ms: median(coldRuns.map((r) => r.p99)),
    at1000PerSecond: fixedRate.map((r) => ({ rps: Math.round(r.requestsPerSecond), p50: r.p50, p99: r.p99 })),
    p99AtFixedRateMs: p99,
    uncachedAt1000PerSecond: uncachedFixedRate.map((r) => ({
      rps: Math.round(r.requestsPerSecond),
      p50: r.p50,
      p99: r.p99,
    })),
    uncachedP99AtFixedRateMs: median(uncachedFixedRate.map((r) => r.p99)),
    steady1000PerSecond: steady,
    steadyP99Ms: median(steady.map((r) => r.p99)),
    steadyUncached1000PerSecond: steadyUncached,
    steadyUncachedP99Ms: median(steadyUncached.map((r) => r.p99)),
    errors:
      [...engineRuns, ...helloRuns, ...coldRuns, ...fixedRate, ...uncachedFixedRate].reduce(
        (sum, r) => sum + r.errors,
        0,
      ) + [...steady, ...steadyUncached].reduce((sum, r) => sum + r.errors, 0),
    bars: { ratioAtLeastHalf: engineRps / helloRps >= 0.5, p99Under5ms: p99 < 5 },
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  engine.child.kill('SIGTERM');
  hello.child.kill('SIGTERM');
}
