/**
 * The control plane keeps answering while a model trains: DescribeSolutionVersion latency with the
 * engine idle and while a large training runs in its worker thread, in the same run. The engine runs
 * in a child process; this process is only the client.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/responsiveness.js
 */
import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionVersionCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateShop, interactionsCsv } from '../src/demo/syntheticShop.js';
import { startChildServer } from './childServer.js';

const SAMPLES = 300;
const stateDir = mkdtempSync(join(tmpdir(), 'responsiveness-'));
mkdirSync(join(stateDir, 'data', 'bench'), { recursive: true });
writeFileSync(
  join(stateDir, 'data', 'bench', 'interactions.csv'),
  interactionsCsv(generateShop().interactions),
);
const engine = await startChildServer('bin/personalize-retrain.js', [
  'engine',
  '--port',
  '0',
  '--state-dir',
  stateDir,
]);
const personalize = new PersonalizeClient({
  endpoint: engine.url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
});

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
  const { datasetGroupArn } = await personalize.send(new CreateDatasetGroupCommand({ name: 'busy' }));
  const schema = JSON.stringify({
    type: 'record',
    name: 'Interactions',
    namespace: 'bench',
    fields: [
      { name: 'USER_ID', type: 'string' },
      { name: 'ITEM_ID', type: 'string' },
      { name: 'TIMESTAMP', type: 'long' },
      { name: 'EVENT_TYPE', type: 'string' },
    ],
    version: '1.0',
  });
  const { schemaArn } = await personalize.send(new CreateSchemaCommand({ name: 'busy', schema }));
  const { datasetArn } = await personalize.send(
    new CreateDatasetCommand({ name: 'busy', datasetGroupArn, schemaArn, datasetType: 'Interactions' }),
  );
  const { datasetImportJobArn } = await personalize.send(
    new CreateDatasetImportJobCommand({
      jobName: 'busy',
      datasetArn,
      dataSource: { dataLocation: 's3://bench/interactions.csv' },
      roleArn: 'arn:aws:iam::000000000000:role/bench',
    }),
  );
  while (
    (await personalize.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn }))).datasetImportJob
      ?.status !== 'ACTIVE'
  ) {
    await sleep(20);
  }
  const solution = async (name: string, hyper: Record<string, string>) =>
    (
      await personalize.send(
        new CreateSolutionCommand({
          name,
          datasetGroupArn,
          recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
          performAutoTraining: false,
          solutionConfig: { algorithmHyperParameters: hyper },
        }),
      )
    ).solutionArn;
  const quick = await solution('quick', { hidden_dimension: '8', epochs: '1' });
  const { solutionVersionArn: done = '' } = await personalize.send(
    new CreateSolutionVersionCommand({ solutionArn: quick }),
  );
  while (
    (await personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn: done }))).solutionVersion
      ?.status !== 'ACTIVE'
  ) {
    await sleep(20);
  }
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
