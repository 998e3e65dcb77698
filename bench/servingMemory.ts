/**
 * Peak memory of the engine while 25 campaigns answer 200,000 distinct requests, each asked twice (the
 * cache keeps an answer from the second time its request comes): every answer is new and kept, so
 * the answer cache fills and must evict within its one engine-wide byte budget (issue 13's bar:
 * peak RSS under 1 GiB). The engine runs in a process of its own; its VmHWM (peak resident set) is
 * read from /proc. The same run measures a baseline engine with the cache off (every answer scored
 * and dropped) and the engine with its default 128 MiB budget, each fresh over the same campaigns.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/servingMemory.js [--requests 400000]
 *
 * Data: MovieLens-small (../shared) when present, else the demo's synthetic shop. 25 campaigns is
 * the engine's default quotas at their fullest: 5 dataset groups of 5 campaigns.
 */
import autocannon from 'autocannon';
import { readFileSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ENGINE_LIMITS } from '../src/engine/context.js';
import { numberOption } from './benchOptions.js';
import { startChildServer, stopChild } from './childServer.js';
import {
  benchClient,
  createSolution,
  deployCampaign,
  importInteractions,
  movieLensOrShopInteractions,
  trainVersion,
} from './benchResources.js';

const REQUESTS = numberOption('requests', 400_000);
const GROUPS = 5;
const CAMPAIGNS_PER_GROUP = 5;

/** Resident set now and at its peak, in MiB, from /proc (Linux). */
function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** `REQUESTS` GetRecommendations, each distinct one twice in a row, against one engine; its peak resident set in MiB. */
async function measure(url: string, pid: number, campaigns: readonly string[], users: readonly string[]) {
  // Distinct request i: campaign i mod 25, then each user, then a larger numResults. Each is sent
  // twice in a row, so that the cache keeps it.
  let next = 0;
  const body = () => {
    const i = Math.floor(next++ / 2);
    const rest = Math.floor(i / campaigns.length);
    return JSON.stringify({
      campaignArn: campaigns[i % campaigns.length],
      userId: users[rest % users.length],
      numResults: 10 + Math.floor(rest / users.length),
    });
  };
  const before = memoryOf(pid);
  let peak = before.peakMiB;
  const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(pid).peakMiB)), 500);
  const started = performance.now();
  const result = await autocannon({
    url,
    connections: 10,
    amount: REQUESTS,
    requests: [
      {
        method: 'POST',
        path: '/recommendations',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: body() }),
      },
    ],
  });
  clearInterval(sampler);
  return {
    requests: result.requests.total,
    errors: result.errors + result.non2xx + result.timeouts,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    rssBeforeMiB: Math.round(before.rssMiB),
    peakRssMiB: Math.round(Math.max(peak, memoryOf(pid).peakMiB)),
  };
}

const loadBefore = loadavg()[0] ?? NaN;
const stateDir = mkdtempSync(join(tmpdir(), 'serving-memory-bench-'));
const data = movieLensOrShopInteractions();
const startEngineServer = (budget: number) =>
  startChildServer('dist/bench/engineServer.js', [stateDir, String(budget)]);

// Campaigns are set up once; each measured engine is a fresh process over the same state dir.
const setup = await startEngineServer(0);
const personalize = benchClient(setup.url);
const campaigns: string[] = [];
try {
  for (let group = 0; group < GROUPS; group++) {
    const name = `group-${group}`;
    const { datasetGroupArn } = await importInteractions(personalize, join(stateDir, 'data'), name, data.csv);
    const versions = await Promise.all(
      Array.from({ length: CAMPAIGNS_PER_GROUP }, async (_, n) =>
        trainVersion(personalize, await createSolution(personalize, datasetGroupArn, `g${group}-s${n}`)),
      ),
    );
    for (const [n, version] of versions.entries()) {
      campaigns.push(await deployCampaign(personalize, `g${group}-c${n}`, version));
    }
  }
} finally {
  personalize.destroy();
  await stopChild(setup.child);
}

const runs: Record<string, Awaited<ReturnType<typeof measure>>> = {};
for (const [label, budget] of [
  ['answer cache off (baseline)', 0],
  [
    `answer cache ${DEFAULT_ENGINE_LIMITS.answerCacheBytes / 1024 / 1024} MiB (default)`,
    DEFAULT_ENGINE_LIMITS.answerCacheBytes,
  ],
] as const) {
  const engine = await startEngineServer(budget);
  try {
    runs[label] = await measure(engine.url, engine.child.pid ?? 0, campaigns, data.users);
  } finally {
    await stopChild(engine.child);
  }
}
const withCache = Object.values(runs)[1];
const baseline = Object.values(runs)[0];
console.log(
  JSON.stringify(
    {
      node: process.version,
      data: data.source,
      users: data.users.length,
      campaigns: campaigns.length,
      requests: REQUESTS,
      // Each is sent twice; numResults tops out at 500, so requests stay distinct up to 25 × users × 491.
      distinctRequests: Math.min(Math.ceil(REQUESTS / 2), campaigns.length * data.users.length * 491),
      runs,
      peakRatioToBaseline:
        withCache && baseline ? Number((withCache.peakRssMiB / baseline.peakRssMiB).toFixed(2)) : NaN,
      bar: 'peak RSS < 1024 MiB with the default cache',
      met: (withCache?.peakRssMiB ?? Infinity) < 1024,
      loadAverage: { before: loadBefore, after: loadavg()[0] },
    },
    null,
    2,
  ),
);
