/**
 * Filtered GetRecommendations at a steady 500 requests/s of requests the model must score afresh,
 * against the same stream unfiltered in the same run; and PutEvents throughput (10 events a call).
 * The engine runs in a child process; the load generators run here and reach it over 127.0.0.1.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/filtersAndEvents.js [--runs 3] [--seconds 5]
 *
 * Data: MovieLens-small (../shared): ratings as interactions, movies' genres as a multi-value
 * categorical Items field. Without it the bench says so and stops.
 *
 * Besides latency it reports each scenario's `engineCpuMsPerRequest` (the engine process's CPU time
 * over the run ÷ requests), which a loaded machine does not distort, and `sequentialServiceTimeMs`.
 * The engine is `bin/personalize-retrain.js` under the current directory: run the script from
 * another checkout's directory to measure that build's engine with the same load.
 */
import {
  CreateDatasetCommand,
  CreateDatasetImportJobCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  CreateSchemaCommand,
  DescribeDatasetImportJobCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
} from '@aws-sdk/client-personalize';
import autocannon from 'autocannon';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BENCH_ROLE_ARN,
  benchClient,
  createSolution,
  deployCampaign,
  importInteractions,
  movieLensInteractions,
  trainVersion,
} from './benchResources.js';
import { numberOption } from './benchOptions.js';
import { startEngineChild, stealMeter } from './childServer.js';
import { steadyLoad, type SteadyLoadResult } from './steadyLoad.js';

const MOVIES = '/work/shared/data/movielens-small/movies.csv';
const RUNS = numberOption('runs', 3);
const SECONDS = numberOption('seconds', 5);
const RATE = 500;
const SEQUENTIAL_REQUESTS = 600;
/** Linux reports process CPU time in clock ticks of 1/100 s. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) the process has used so far, from /proc; NaN where there is no /proc. */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** Median and p90 of `count` fresh requests sent one after another (ms). */
async function sequentialLatency(url: string, body: () => string, count: number) {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch(new URL('/recommendations', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body(),
    });
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Number(latencies[Math.floor(q * (count - 1))]!.toFixed(2));
  return { p50: at(0.5), p90: at(0.9) };
}

/** movies.csv → ITEM_ID,GENRES (titles hold quoted commas; genres are the last field). */
function itemsCsv(): { csv: string; genres: string[] } {
  const lines = readFileSync(MOVIES, 'utf8').split('\n').slice(1).filter(Boolean);
  const genres = new Set<string>();
  const rows = lines.map((line) => {
    const id = line.slice(0, line.indexOf(','));
    const genreList = line.slice(line.lastIndexOf(',') + 1).trim();
    for (const genre of genreList.split('|')) if (genre !== '(no genres listed)') genres.add(genre);
    return `${id},${genreList}`;
  });
  return { csv: `ITEM_ID,GENRES\n${rows.join('\n')}\n`, genres: [...genres] };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await sleep(20);
  }
}

const movieLens = movieLensInteractions();
if (!movieLens || !existsSync(MOVIES)) {
  console.error('MovieLens-small is not at /work/shared/data/movielens-small: nothing to measure.');
  process.exit(1);
}
const loadBefore = loadavg()[0] ?? NaN;
const stolen = stealMeter();
const stateDir = mkdtempSync(join(tmpdir(), 'filters-bench-'));
const dataRoot = join(stateDir, 'data');
const engine = await startEngineChild(stateDir);
const personalize = benchClient(engine.url);
try {
  const { datasetGroupArn } = await importInteractions(personalize, dataRoot, 'movies', movieLens.csv);
  const items = itemsCsv();
  writeFileSync(join(dataRoot, 'movies', 'items.csv'), items.csv);
  const { schemaArn } = await personalize.send(
    new CreateSchemaCommand({
      name: 'movie-items',
      schema: JSON.stringify({
        type: 'record',
        name: 'Items',
        fields: [
          { name: 'ITEM_ID', type: 'string' },
          { name: 'GENRES', type: 'string', categorical: true },
        ],
      }),
    }),
  );
  const { datasetArn } = await personalize.send(
    new CreateDatasetCommand({ name: 'movie-items', datasetGroupArn, schemaArn, datasetType: 'Items' }),
  );
  const { datasetImportJobArn } = await personalize.send(
    new CreateDatasetImportJobCommand({
      jobName: 'movie-items',
      datasetArn,
      dataSource: { dataLocation: 's3://movies/items.csv' },
      roleArn: BENCH_ROLE_ARN,
    }),
  );
  await until(
    () => personalize.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
    (r) => r.datasetImportJob?.status === 'ACTIVE',
  );
  const solutionVersionArn = await trainVersion(
    personalize,
    await createSolution(personalize, datasetGroupArn, 'movies'),
  );
  const campaignArn = await deployCampaign(personalize, 'movies', solutionVersionArn);
  const filter = async (name: string, filterExpression: string) => {
    const { filterArn = '' } = await personalize.send(
      new CreateFilterCommand({ name, datasetGroupArn, filterExpression }),
    );
    await until(
      () => personalize.send(new DescribeFilterCommand({ filterArn })),
      (r) => r.filter?.status === 'ACTIVE',
    );
    return filterArn;
  };
  const byGenre = await filter('by-genre', 'INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)');
  const unseenByGenre = await filter(
    'unseen-by-genre',
    'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*") | INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)',
  );

  // Every request is new: a (user, numResults, genre) triple not asked before, so the model scores it.
  let counter = 0;
  const fresh = (filterArn?: string) => () => {
    const n = counter++;
    return JSON.stringify({
      campaignArn,
      userId: movieLens.users[n % movieLens.users.length],
      numResults: 10 + (Math.floor(n / movieLens.users.length) % 40),
      ...(filterArn
        ? { filterArn, filterValues: { GENRE: JSON.stringify(items.genres[n % items.genres.length]) } }
        : {}),
    });
  };
  await steadyLoad(engine.url, '/recommendations', fresh(byGenre), RATE, 2); // warm-up
  // One request at a time: what a request costs the engine, without the queueing a loaded machine adds.
  const serviceTime = {
    unfiltered: await sequentialLatency(engine.url, fresh(), SEQUENTIAL_REQUESTS),
    filtered: await sequentialLatency(engine.url, fresh(byGenre), SEQUENTIAL_REQUESTS),
    chained: await sequentialLatency(engine.url, fresh(unseenByGenre), SEQUENTIAL_REQUESTS),
  };
  type Measured = SteadyLoadResult & { readonly engineCpuMsPerRequest: number };
  // The engine's own CPU time per request does not depend on how loaded the machine is, unlike latency.
  const measured = async (body: () => string): Promise<Measured> => {
    const before = cpuSecondsOf(engine.child.pid);
    const result = await steadyLoad(engine.url, '/recommendations', body, RATE, SECONDS);
    const cpuMs = (cpuSecondsOf(engine.child.pid) - before) * 1000;
    return { ...result, engineCpuMsPerRequest: Number((cpuMs / result.sent).toFixed(3)) };
  };
  const unfiltered: Measured[] = [];
  const filtered: Measured[] = [];
  const chained: Measured[] = [];
  for (let run = 0; run < RUNS; run++) {
    unfiltered.push(await measured(fresh()));
    filtered.push(await measured(fresh(byGenre)));
    chained.push(await measured(fresh(unseenByGenre)));
  }

  const { eventTrackerArn = '', trackingId } = await personalize.send(
    new CreateEventTrackerCommand({ name: 'movies', datasetGroupArn }),
  );
  await until(
    () => personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn })),
    (r) => r.eventTracker?.status === 'ACTIVE',
  );
  let event = 0;
  const putEvents = () => {
    const user = `live-${event++ % 5000}`;
    const sentAt = Math.floor(Date.now() / 1000);
    return JSON.stringify({
      trackingId,
      userId: user,
      sessionId: user,
      eventList: Array.from({ length: 10 }, (_, i) => ({
        eventType: 'rating',
        itemId: String(1 + ((event * 10 + i) % 9000)),
        sentAt,
      })),
    });
  };
  const eventRuns: { eventsPerSecond: number; p99: number; errors: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const result = await autocannon({
      url: engine.url,
      connections: 10,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          path: '/events',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: putEvents() }),
        },
      ],
    });
    eventRuns.push({
      eventsPerSecond: Math.round(result.requests.average * 10),
      p99: result.latency.p99,
      errors: result.errors + result.non2xx + result.timeouts,
    });
  }

  const summary = (runs: Measured[]) => ({
    engineCpuMsPerRequest: median(runs.map((r) => r.engineCpuMsPerRequest)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    runsP99: runs.map((r) => r.p99),
    maxLagMs: Math.max(...runs.map((r) => r.maxLagMs)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  });
  const report = {
    data: `MovieLens-small: ${movieLens.rows} ratings, ${movieLens.users.length} users, ${items.genres.length} genres`,
    loadAverage: [loadBefore, loadavg()[0] ?? NaN].map((average) => Number(average.toFixed(2))),
    /** Percent of the machine's CPU time the hypervisor gave to other guests during the bench. */
    stolenCpuPercent: stolen(),
    rate: RATE,
    secondsPerRun: SECONDS,
    runs: RUNS,
    unfilteredFresh: summary(unfiltered),
    filteredFresh: summary(filtered),
    chainedInteractionsFilterFresh: summary(chained),
    sequentialServiceTimeMs: serviceTime,
    putEvents: {
      eventsPerSecondMedian: median(eventRuns.map((r) => r.eventsPerSecond)),
      runs: eventRuns,
    },
    bars: {
      filteredP99Under5ms: summary(filtered).p99 < 5,
      putEventsAtLeast5000: median(eventRuns.map((r) => r.eventsPerSecond)) >= 5000,
    },
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  personalize.destroy();
  engine.child.kill('SIGTERM');
}
