/**
 * How long synthesizing the staging and prod pipelines takes, both ways a user does it:
 *   - in one process (module loading included), as `synthesizePipeline` twice, cdk-nag included;
 *   - as two `personalize-retrain synth` processes, what `make synth` twice costs.
 * The bar is under 30 s for the two stacks together. Runs offline; writes into a temp directory.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/synth.js
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

function parameters(stage: string): string {
  const arn = (path: string) => `arn:aws:personalize:${REGION}:${ACCOUNT}:${path}`;
  return [
    `ImportRoleArn=arn:aws:iam::${ACCOUNT}:role/PersonalizeImport`,
    `SolutionArn=${arn(`solution/shop-${stage}`)}`,
    `UserInteractionDatasetArn=${arn(`dataset/shop-${stage}/INTERACTIONS`)}`,
    `S3UserInteractionDatasourcePath=s3://shop-${stage}/interactions.csv`,
    `ItemDatasetArn=${arn(`dataset/shop-${stage}/ITEMS`)}`,
    `S3ItemDatasourcePath=s3://shop-${stage}/items.csv`,
    `CampaignArn=${arn(`campaign/shop-${stage}`)}`,
    'NotificationEmail=ml-team@example.com',
  ].join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'pr-bench-synth-'));
const stages = ['staging', 'prod'];
for (const stage of stages) writeFileSync(join(dir, `parameters.${stage}.cfg`), parameters(stage));

try {
  const start = performance.now();
  const { loadPipelineConfig } = await import('../src/config/pipelineConfig.js');
  const { synthesizePipeline } = await import('../src/deploy/pipelineSynthesis.js');
  const loaded = performance.now();
  const perStack: number[] = [];
  for (const stage of stages) {
    const before = performance.now();
    synthesizePipeline({
      config: loadPipelineConfig(join(dir, `parameters.${stage}.cfg`)),
      stackName: `personalize-retraining-${stage}`,
      outdir: join(dir, 'in-process'),
    });
    perStack.push(performance.now() - before);
  }
  const inProcess = performance.now() - start;

  const cliStart = performance.now();
  for (const stage of stages) {
    const result = spawnSync(
      process.execPath,
      [
        resolve('bin/personalize-retrain.js'),
        'synth',
        '--stack-name',
        `personalize-retraining-${stage}`,
        '--params',
        join(dir, `parameters.${stage}.cfg`),
        '--output',
        join(dir, 'cli'),
      ],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`synth ${stage} failed: ${result.stderr}`);
  }
  const cli = performance.now() - cliStart;

  const ms = (value: number) => `${Math.round(value)} ms`;
  console.log(
    `in one process: ${ms(inProcess)} (loading modules ${ms(loaded - start)}, stacks ${perStack.map(ms).join(' + ')})`,
  );
  console.log(`two CLI processes: ${ms(cli)}`);
  console.log(`bar: 30000 ms for both stacks; ${Math.max(inProcess, cli) < 30_000 ? 'met' : 'MISSED'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
