/**
 * The retraining cycle's bars from issues 5 and 14:
 *  (a) `personalize-retrain demo` as a newcomer runs it (the compiled bin, a fresh state dir each
 *      time): wall time, median of 3; bar: within 60 s.
 *  (b) one local cycle on data the size of MovieLens-small (100,836 ratings; read from
 *      ../shared/data/movielens-small/ratings.csv when present, else a synthetic set of that size):
 *      dataset group, dataset, solution and campaign set up through the SDK against an in-process
 *      engine, then `runPipeline` with PollInterval=1 timed, as `run` and `demo` do it: the runner
 *      knows it talks to the embedded engine and shortens its Waits. Bars: under 15 s wall, and wall
 *      at most 1.3× the engine's busy time (its import, training and campaign update, from the
 *      resources' own timestamps). Also reports the Wait states' total and the cycle with the
 *      definition's full one-second waits, for comparison.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/cycle.js [cycles]
 */
import {
  DescribeCampaignCommand,
  DescribeSolutionVersionCommand,
  ListDatasetImportJobsCommand,
} from '@aws-sdk/client-personalize';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { parsePipelineConfig } from '../src/config/pipelineConfig.js';
import { startEngine } from '../src/engine/engine.js';
import { buildDefinition } from '../src/pipeline/definition/index.js';
import { openExecutionStore } from '../src/pipeline/executions/index.js';
import { createLocalNotifier, runPipeline } from '../src/pipeline/runner/index.js';
import {
  BENCH_ROLE_ARN,
  benchClient,
  createSolution,
  deployCampaign,
  importInteractions,
  movieLensInteractions,
  trainVersion,
} from './benchResources.js';

// The SDK's notice that its 2027 releases need Node 22 is for package.json to track, not for this output.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const CLI = fileURLToPath(new URL('../../bin/personalize-retrain.js', import.meta.url));
const MOVIELENS_RATINGS = 100_836;
const cycles = Number(process.argv[2] ?? 3);

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const seconds = (ms: number) => Number((ms / 1000).toFixed(2));

/** (a) The demo in its own process, fresh state dir each time. */
function timeDemo(): number {
  const stateDir = mkdtempSync(join(tmpdir(), 'pr-bench-demo-'));
  try {
    const started = performance.now();
    const result = spawnSync(process.execPath, [CLI, 'demo', '--state-dir', stateDir], { encoding: 'utf8' });
    const took = performance.now() - started;
    if (result.status !== 0)
      throw new Error(`demo exited ${result.status}:\n${result.stdout}${result.stderr}`);
    return took;
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** MovieLens-small as Personalize interactions, or a synthetic set of its size and shape without it. */
function cycleInteractions(): { csv: string; rows: number; skipped: string[]; source: string } {
  return (
    movieLensInteractions() ?? {
      ...syntheticInteractions(MOVIELENS_RATINGS),
      skipped: [],
      source: 'synthetic',
    }
  );
}

/** Same size and shape (610 users, 9,724 items, long-tailed) when the MovieLens file is absent. */
function syntheticInteractions(rows: number): { csv: string; rows: number } {
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const out = ['USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE'];
  for (let row = 0; row < rows; row++) {
    const user = Math.floor(610 * next() ** 2);
    const item = Math.floor(9_724 * next() ** 3);
    out.push(`u${user},m${item},${1_500_000_000 + row * 60},rating`);
  }
  return { csv: `${out.join('\n')}\n`, rows };
}

interface CycleResult {
  readonly wallMs: number;
  readonly importEngineMs: number;
  readonly trainingEngineMs: number;
  readonly campaignUpdateEngineMs: number;
  /** The engine's import, training and campaign update together. */
  readonly engineBusyMs: number;
  readonly waitStatesMs: number;
  readonly importStepMs: number;
  readonly trainingStepMs: number;
  readonly rolloutStepMs: number;
  readonly polls: number;
}

/**
 * (b) Retraining cycles on MovieLens-sized data, after a setup that is not timed; `embeddedEngine`
 * false runs them with the definition's own waits.
 */
async function timeCycles(embeddedEngine: boolean) {
  const data = cycleInteractions();
  const stateDir = mkdtempSync(join(tmpdir(), 'pr-bench-cycle-'));
  const engine = await startEngine({ port: 0, stateDir });
  const personalize = benchClient(engine.url);
  const store = openExecutionStore(join(stateDir, 'executions.sqlite'));
  try {
    const { datasetGroupArn, datasetArn, dataLocation } = await importInteractions(
      personalize,
      join(stateDir, 'data'),
      'movielens',
      data.csv,
    );
    const solutionArn = await createSolution(personalize, datasetGroupArn, 'movielens');
    const campaignArn = await deployCampaign(
      personalize,
      'movielens',
      await trainVersion(personalize, solutionArn),
    );
    const parsed = parsePipelineConfig(
      [
        `ImportRoleArn=${BENCH_ROLE_ARN}`,
        `SolutionArn=${solutionArn}`,
        `UserInteractionDatasetArn=${datasetArn}`,
        `S3UserInteractionDatasourcePath=${dataLocation}`,
        `CampaignArn=${campaignArn}`,
        'PollInterval=1',
        'GateTolerance=1',
      ].join('\n'),
      'bench.cfg',
    );
    if (parsed.issues) throw new Error(JSON.stringify(parsed.issues));
    const definition = buildDefinition(parsed.config, { pipelineName: 'movielens' });
    const notifier = createLocalNotifier({ logger: pino({ level: 'silent' }) });
    const results: CycleResult[] = [];
    for (let cycle = 0; cycle < cycles; cycle++) {
      const started = performance.now();
      const outcome = await runPipeline({
        definition,
        pipelineName: 'movielens',
        target: { kind: 'endpoint', endpoint: engine.url, embeddedEngine },
        store,
        notifier,
      });
      const wallMs = performance.now() - started;
      if (outcome.execution.status !== 'SUCCEEDED')
        throw new Error(`cycle ${outcome.execution.status}: ${outcome.execution.cause ?? ''}`);
      const { datasetImportJobs = [] } = await personalize.send(
        new ListDatasetImportJobsCommand({ datasetArn }),
      );
      const job = datasetImportJobs
        .filter((j) => j.jobName?.startsWith('rt-'))
        .sort((a, b) => (b.creationDateTime?.getTime() ?? 0) - (a.creationDateTime?.getTime() ?? 0))[0];
      const version = (
        await personalize.send(
          new DescribeSolutionVersionCommand({
            solutionVersionArn: outcome.execution.solutionVersionArn ?? '',
          }),
        )
      ).solutionVersion;
      const update = (await personalize.send(new DescribeCampaignCommand({ campaignArn }))).campaign
        ?.latestCampaignUpdate;
      const span = (from?: Date, to?: Date) => (from && to ? to.getTime() - from.getTime() : NaN);
      const importEngineMs = span(job?.creationDateTime, job?.lastUpdatedDateTime);
      const trainingEngineMs = span(version?.creationDateTime, version?.lastUpdatedDateTime);
      const campaignUpdateEngineMs = span(update?.creationDateTime, update?.lastUpdatedDateTime);
      const waitMs = outcome.visits
        .filter((visit) => visit.stateType === 'Wait')
        .reduce((sum, visit) => sum + (visit.durationMs ?? 0), 0);
      const step = (names: readonly string[]) =>
        outcome.visits
          .filter((visit) => names.includes(visit.stateName))
          .reduce((sum, visit) => sum + (visit.durationMs ?? 0), 0);
      results.push({
        wallMs,
        importEngineMs,
        trainingEngineMs,
        campaignUpdateEngineMs,
        engineBusyMs: importEngineMs + trainingEngineMs + campaignUpdateEngineMs,
        waitStatesMs: waitMs,
        importStepMs: step(['ImportDatasets']),
        trainingStepMs: step(['CreateSolutionVersion', 'WaitForTraining', 'DescribeSolutionVersion']),
        rolloutStepMs: step(['UpdateCampaign', 'WaitForCampaignUpdate', 'DescribeCampaignUpdate']),
        polls: outcome.visits.filter((visit) => visit.stateType === 'Wait').length,
      });
    }
    return { data: { source: data.source, rows: data.rows, skipped: data.skipped }, results };
  } finally {
    store.close();
    personalize.destroy();
    await engine.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const demoTimes = Array.from({ length: 3 }, timeDemo);
const shortened = await timeCycles(true);
const fullWaits = await timeCycles(false);
const pick = (results: readonly CycleResult[], key: keyof CycleResult) =>
  seconds(median(results.map((r) => Number(r[key]))));
const wallOverBusy = (results: readonly CycleResult[]) =>
  Number(median(results.map((r) => r.wallMs / r.engineBusyMs)).toFixed(2));
const breakdown = (results: readonly CycleResult[]) => ({
  medianWallS: pick(results, 'wallMs'),
  wallS: results.map((r) => seconds(r.wallMs)),
  medianEngineBusyS: pick(results, 'engineBusyMs'),
  wallOverEngineBusy: wallOverBusy(results),
  breakdownMedianS: {
    importStep: pick(results, 'importStepMs'),
    importEngineWork: pick(results, 'importEngineMs'),
    trainingStep: pick(results, 'trainingStepMs'),
    trainingEngineWork: pick(results, 'trainingEngineMs'),
    rolloutStep: pick(results, 'rolloutStepMs'),
    campaignUpdateEngineWork: pick(results, 'campaignUpdateEngineMs'),
    waitStates: pick(results, 'waitStatesMs'),
    polls: median(results.map((r) => r.polls)),
  },
});
console.log(
  JSON.stringify(
    {
      node: process.version,
      cores: cpus().length,
      loadAverage: loadavg().map((average) => Number(average.toFixed(2))),
      demo: { runsS: demoTimes.map(seconds), medianS: seconds(median(demoTimes)), bar: 'exit 0 within 60 s' },
      cycle: {
        data: shortened.data,
        cycles: shortened.results.length,
        ...breakdown(shortened.results),
        bars: {
          underFifteenSeconds: pick(shortened.results, 'wallMs') < 15,
          wallAtMost1_3xEngineBusy: wallOverBusy(shortened.results) <= 1.3,
        },
      },
      cycleWithTheDefinitionsFullWaits: breakdown(fullWaits.results),
    },
    null,
    2,
  ),
);
