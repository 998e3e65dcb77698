/**
 * Batch inference against per-user GetRecommendations calls, in the same run: the 20,000 users of
 * the 1M-interaction power-law data bench/scale.ts trains on (users = events/50, items = events/200),
 * one user-personalization version, every user scored once per round (25 items). The engine runs in
 * a child process; rounds alternate, and each GetRecommendations round asks a numResults no earlier
 * round asked, so no answer comes from the campaign's cache.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/batchInference.js [--rounds 3] [--concurrency 10]
 */
import {
  CreateBatchInferenceJobCommand,
  DescribeBatchInferenceJobCommand,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BENCH_ROLE_ARN,
  benchClient,
  createSolution,
  deployCampaign,
  importInteractions,
  trainVersion,
} from './benchResources.js';
import { numberOption } from './benchOptions.js';
import { startEngineChild } from './childServer.js';
import { median, powerLawInteractions } from './trainBenchData.js';

const ROUNDS = numberOption('rounds', 3);
const CONCURRENCY = numberOption('concurrency', 10);
const EVENTS = 1_000_000;

/** bench/scale.ts's generator, written as the interactions CSV Personalize imports. */
function interactions(): { csv: string; users: string[] } {
  const table = powerLawInteractions(EVENTS, EVENTS / 50, EVENTS / 200, 7);
  const user = table.columns['USER_ID'];
  const item = table.columns['ITEM_ID'];
  const stamp = table.columns['TIMESTAMP'];
  if (user?.kind !== 'string' || item?.kind !== 'string' || stamp?.kind !== 'number')
    throw new Error('columns');
  const lines = ['USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE'];
  for (let row = 0; row < table.rowCount; row++) {
    lines.push(
      `${user.dictionary[user.codes[row]!]},${item.dictionary[item.codes[row]!]},${stamp.values[row]},click`,
    );
  }
  return { csv: `${lines.join('\n')}\n`, users: user.dictionary.slice() };
}

async function batchRound(url: string, dataRoot: string, solutionVersionArn: string, round: number) {
  const personalize = benchClient(url);
  try {
    const started = performance.now();
    const { batchInferenceJobArn } = await personalize.send(
      new CreateBatchInferenceJobCommand({
        jobName: `bench-${round}`,
        solutionVersionArn,
        numResults: 25,
        roleArn: BENCH_ROLE_ARN,
        jobInput: { s3DataSource: { path: 's3://batch-bench/users.json' } },
        jobOutput: { s3DataDestination: { path: `s3://batch-bench/out/${round}/` } },
      }),
    );
    for (;;) {
      const { batchInferenceJob } = await personalize.send(
        new DescribeBatchInferenceJobCommand({ batchInferenceJobArn }),
      );
      if (batchInferenceJob?.status === 'ACTIVE') break;
      if (batchInferenceJob?.status === 'CREATE FAILED') throw new Error(batchInferenceJob.failureReason);
      await sleep(20);
    }
    const seconds = (performance.now() - started) / 1000;
    const lines = readFileSync(join(dataRoot, 'batch-bench', 'out', String(round), 'users.json.out'), 'utf8')
      .trimEnd()
      .split('\n').length;
    return { seconds, lines };
  } finally {
    personalize.destroy();
  }
}

async function runtimeRound(url: string, campaignArn: string, users: readonly string[], numResults: number) {
  const runtime = new PersonalizeRuntimeClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    let next = 0;
    let answered = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < users.length) {
          const userId = users[next++];
          const { itemList = [] } = await runtime.send(
            new GetRecommendationsCommand({ campaignArn, userId, numResults }),
          );
          if (itemList.length > 0) answered += 1;
        }
      }),
    );
    return { seconds: (performance.now() - started) / 1000, lines: answered };
  } finally {
    runtime.destroy();
  }
}

const loadBefore = loadavg()[0] ?? NaN;
const stateDir = mkdtempSync(join(tmpdir(), 'batch-bench-'));
const dataRoot = join(stateDir, 'data');
const data = interactions();
const engine = await startEngineChild(stateDir);
try {
  const personalize = benchClient(engine.url);
  const { datasetGroupArn } = await importInteractions(personalize, dataRoot, 'batch-data', data.csv);
  const solutionVersionArn = await trainVersion(
    personalize,
    await createSolution(personalize, datasetGroupArn, 'batch', { epochs: '3' }),
  );
  const campaignArn = await deployCampaign(personalize, 'batch', solutionVersionArn);
  personalize.destroy();
  mkdirSync(join(dataRoot, 'batch-bench'), { recursive: true });
  writeFileSync(
    join(dataRoot, 'batch-bench', 'users.json'),
    data.users.map((userId) => JSON.stringify({ userId })).join('\n') + '\n',
  );
  await runtimeRound(engine.url, campaignArn, data.users.slice(0, 500), 24); // warm-up
  const batch: number[] = [];
  const calls: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const b = await batchRound(engine.url, dataRoot, solutionVersionArn, round);
    if (b.lines !== data.users.length) throw new Error(`batch wrote ${b.lines} lines`);
    batch.push(data.users.length / b.seconds);
    const r = await runtimeRound(engine.url, campaignArn, data.users, 25 + round);
    if (r.lines !== data.users.length) throw new Error(`GetRecommendations answered ${r.lines} users`);
    calls.push(data.users.length / r.seconds);
  }
  const loadAfter = loadavg()[0] ?? NaN;
  console.log(
    `${data.users.length.toLocaleString('en')} users, ${EVENTS.toLocaleString('en')} interactions, 25 items each, ` +
      `${ROUNDS} rounds; ${availableParallelism()} CPUs, load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`,
  );
  console.log('| path | users/s (median) | all rounds |');
  console.log('| --- | --- | --- |');
  console.log(
    `| batch inference job (CreateBatchInferenceJob → ACTIVE) | ${median(batch).toFixed(0)} | ${batch.map((v) => v.toFixed(0)).join(', ')} |`,
  );
  console.log(
    `| GetRecommendations, ${CONCURRENCY} calls in flight | ${median(calls).toFixed(0)} | ${calls.map((v) => v.toFixed(0)).join(', ')} |`,
  );
  console.log(`ratio batch / GetRecommendations: ${(median(batch) / median(calls)).toFixed(1)}×`);
} finally {
  engine.child.kill();
  rmSync(stateDir, { recursive: true, force: true });
}
