/**
 * GetRecommendations under load, against a bare hello-world route on the same framework, in the same
 * run: first with the answer cache (repeat requests), then, over the same campaign, with the cache off
 * so the model scores every request (fresh). Each server runs in a child process of its own; autocannon
 * drives it from this process over 127.0.0.1, so the load generator never shares the server's event loop.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/serving.js [--runs 3] [--seconds 5]
 *
 * Data: MovieLens-small (../shared) when present, else the demo's synthetic shop.
 */
import autocannon from 'autocannon';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ENGINE_LIMITS } from '../src/engine/context.js';
import { numberOption } from './benchOptions.js';
import { cpuMicros, startChildServer, stealMeter, stopChild } from './childServer.js';
import type { ChildProcess } from 'node:child_process';
import { steadyLoad, type SteadyLoadResult } from './steadyLoad.js';
import {
  benchClient,
  createSolution,
  deployCampaign,
  importInteractions,
  movieLensOrShopInteractions,
  trainVersion,
} from './benchResources.js';

const RUNS = numberOption('runs', 3);
const SECONDS = numberOption('seconds', 5);
const CONNECTIONS = 10;

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
  /** The server's CPU time per request (µs), when the platform tells it. */
  readonly cpuMicrosPerRequest: number | undefined;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

async function load(
  server: { url: string; child: ChildProcess },
  path: string,
  body: () => string,
  overallRate?: number,
): Promise<LoadResult> {
  const cpuBefore = cpuMicros(server.child);
  const result = await autocannon({
    url: server.url,
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
  const cpuAfter = cpuMicros(server.child);
  return {
    requestsPerSecond: result.requests.average,
    cpuMicrosPerRequest:
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : Number(((cpuAfter - cpuBefore) / Math.max(1, result.requests.total)).toFixed(1)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** One engine process over the bench's state dir; an answer-cache budget of 0 bytes turns the cache off. */
const startEngineServer = (answerCacheBytes: number) =>
  startChildServer('dist/bench/engineServer.js', [stateDir, String(answerCacheBytes)]);

const loadBefore = loadavg()[0] ?? NaN;
const stolen = stealMeter();
const stateDir = mkdtempSync(join(tmpdir(), 'serving-bench-'));
const data = movieLensOrShopInteractions();
const hello = await startChildServer('dist/bench/helloServer.js', []);
let engine = await startEngineServer(DEFAULT_ENGINE_LIMITS.answerCacheBytes);
try {
  const campaignArn = await servingCampaign(engine.url, join(stateDir, 'data'), data.csv);
  let next = 0;
  const recommendation = () =>
    JSON.stringify({ campaignArn, userId: data.users[next++ % data.users.length], numResults: 25 });
  const helloRequest = () => '{}';

  // With the answer cache: the warm-up asks for every (user, numResults) pair many times, so each is
  // kept (from its second request) and every request after it is a repeat.
  await load(engine, '/recommendations', recommendation); // warm-up: models load, JIT settles
  await load(hello, '/hello', helloRequest);
  const helloRuns: LoadResult[] = [];
  const cachedRuns: LoadResult[] = [];
  const cachedBurst: LoadResult[] = [];
  const cachedSteady: SteadyLoadResult[] = [];
  for (let run = 0; run < RUNS; run++) {
    helloRuns.push(await load(hello, '/hello', helloRequest));
    cachedRuns.push(await load(engine, '/recommendations', recommendation));
    cachedBurst.push(await load(engine, '/recommendations', recommendation, 1000));
    cachedSteady.push(await steadyLoad(engine.url, '/recommendations', recommendation, 1000, SECONDS));
  }

  // The same state dir and campaign, the answer cache off: the model scores every request.
  await stopChild(engine.child);
  engine = await startEngineServer(0);
  await load(engine, '/recommendations', recommendation);
  const freshRuns: LoadResult[] = [];
  const freshBurst: LoadResult[] = [];
  const freshSteady: SteadyLoadResult[] = [];
  for (let run = 0; run < RUNS; run++) {
    helloRuns.push(await load(hello, '/hello', helloRequest));
    freshRuns.push(await load(engine, '/recommendations', recommendation));
    freshBurst.push(await load(engine, '/recommendations', recommendation, 1000));
    freshSteady.push(await steadyLoad(engine.url, '/recommendations', recommendation, 1000, SECONDS));
  }

  const helloRps = median(helloRuns.map((r) => r.requestsPerSecond));
  const cachedRps = median(cachedRuns.map((r) => r.requestsPerSecond));
  const freshRps = median(freshRuns.map((r) => r.requestsPerSecond));
  const rps = (runs: LoadResult[]) => runs.map((r) => Math.round(r.requestsPerSecond));
  const cpu = (runs: LoadResult[]) => {
    const perRequest = runs.map((r) => r.cpuMicrosPerRequest ?? NaN);
    return { runs: perRequest, median: median(perRequest) };
  };
  /** Hello's CPU per request over the engine's: the throughput ratio if both were CPU-bound alone. */
  const cpuRatio = (runs: LoadResult[]) => Number((cpu(helloRuns).median / cpu(runs).median).toFixed(3));
  const burst = (runs: LoadResult[]) => ({
    runs: runs.map((r) => ({ rps: Math.round(r.requestsPerSecond), p50: r.p50, p99: r.p99 })),
    p99Ms: median(runs.map((r) => r.p99)),
  });
  const steady = (runs: SteadyLoadResult[]) => ({ runs, p99Ms: median(runs.map((r) => r.p99)) });
  const report = {
    data: `${data.source}: ${data.users.length} users; numResults 25, users in turn`,
    // Other work on the machine skews latency most: the 1-minute load average before and after.
    loadAverage: [loadBefore, loadavg()[0] ?? NaN].map((average) => Number(average.toFixed(2))),
    /** Percent of the machine's CPU time the hypervisor gave to other guests during the bench. */
    stolenCpuPercent: stolen(),
    connections: CONNECTIONS,
    secondsPerRun: SECONDS,
    runs: RUNS,
    helloRequestsPerSecond: rps(helloRuns),
    // The servers' own CPU time per request at full load: steadier than requests/s on a busy machine.
    helloCpuMicrosPerRequest: cpu(helloRuns),
    cached: {
      requestsPerSecond: rps(cachedRuns),
      cpuMicrosPerRequest: cpu(cachedRuns),
      cpuRatioToHello: cpuRatio(cachedRuns),
      ratioToHello: Number((cachedRps / helloRps).toFixed(3)),
      burst1000PerSecond: burst(cachedBurst),
      steady1000PerSecond: steady(cachedSteady),
    },
    fresh: {
      requestsPerSecond: rps(freshRuns),
      cpuMicrosPerRequest: cpu(freshRuns),
      cpuRatioToHello: cpuRatio(freshRuns),
      ratioToHello: Number((freshRps / helloRps).toFixed(3)),
      burst1000PerSecond: burst(freshBurst),
      steady1000PerSecond: steady(freshSteady),
    },
    errors:
      [...helloRuns, ...cachedRuns, ...cachedBurst, ...freshRuns, ...freshBurst].reduce(
        (sum, r) => sum + r.errors,
        0,
      ) + [...cachedSteady, ...freshSteady].reduce((sum, r) => sum + r.errors, 0),
    bars: {
      cachedRatioAtLeastHalf: cachedRps / helloRps >= 0.5,
      freshRatioAtLeast0_3: freshRps / helloRps >= 0.3,
      freshSteadyP99Under5ms: median(freshSteady.map((r) => r.p99)) < 5,
    },
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  engine.child.kill('SIGTERM');
  hello.child.kill('SIGTERM');
}
