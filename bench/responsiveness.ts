/**
 * The control plane keeps answering while a model trains: DescribeSolutionVersion latency with the
 * engine idle and while a large training runs in its worker thread, in the same run. The engine runs
 * in a child process; this process is only the client.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/responsiveness.js
 */
import { CreateSolutionVersionCommand, DescribeSolutionVersionCommand } from '@aws-sdk/client-personalize';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateShop, interactionsCsv } from '../src/demo/syntheticShop.js';
import { benchClient, createSolution, importInteractions, trainVersion } from './benchResources.js';
import { startEngineChild } from './childServer.js';

const SAMPLES = 300;
const stateDir = mkdtempSync(join(tmpdir(), 'responsiveness-'));
const shopCsv = interactionsCsv(generateShop().interactions);
const engine = await startEngineChild(stateDir);
const personalize = benchClient(engine.url);

async function latencies(
  solutionVersionArn: string,
): Promise<{ p50: number; p99: number; max: number; status: string }> {
  const times: number[] = [];
  let status = '';
  for (let n = 0; n < SAMPLES; n++) {
    const started = performance.now();
    const { solutionVersion } = await personalize.send(
      new DescribeSolutionVersionCommand({ solutionVersionArn }),
    );
    times.push(performance.now() - started);
    status = solutionVersion?.status ?? '';
    await sleep(5);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) =>
    Number((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN).toFixed(2));
  return { p50: at(0.5), p99: at(0.99), max: at(1), status };
}

try {
  const { datasetGroupArn } = await importInteractions(personalize, join(stateDir, 'data'), 'busy', shopCsv);
  const solution = (name: string, hyper: Record<string, string>) =>
    createSolution(personalize, datasetGroupArn, name, hyper);
  const quick = await solution('quick', { hidden_dimension: '8', epochs: '1' });
  const done = await trainVersion(personalize, quick);
  const idle = await latencies(done);
  const heavy = await solution('heavy', { hidden_dimension: '256', epochs: '300' });
  const { solutionVersionArn: training = '' } = await personalize.send(
    new CreateSolutionVersionCommand({ solutionArn: heavy }),
  );
  await sleep(500);
  const busy = await latencies(training);
  console.log(JSON.stringify({ samples: SAMPLES, idleMs: idle, duringTrainingMs: busy }, null, 2));
} finally {
  personalize.destroy();
  engine.child.kill('SIGKILL');
}
