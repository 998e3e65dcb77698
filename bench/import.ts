/**
 * The import bars of issue 3, measured on this machine:
 *
 *   npx tsc -p tsconfig.json && node dist/bench/import.js [--rows 1000000] [--big-rows 10000000] [--runs 3] [--skip-big]
 *
 * 1. Baseline: stream the 1M-row interactions CSV and split it into lines and fields (same process).
 * 2. Import through the SDK from CreateDatasetImportJob to ACTIVE (polling every 10 ms), in-process
 *    engine: at least 1,000,000 rows/s and at most 3x the baseline. Medians of --runs runs each.
 * 3. 10M rows imported by an engine in a child process; its peak RSS (VmHWM) must stay under 500 MB.
 * 4. Engine start (child process) to the first answered request, under 500 ms; median of 5 starts.
 */
import {
  CreateDatasetImportJobCommand,
  DescribeDatasetImportJobCommand,
  ListDatasetGroupsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngine } from '../src/engine/engine.js';
import { createDataset } from '../test/support/imports.js';
import { median, readAndSplit, writeInteractionsCsv } from './interactionsCsv.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const ROWS = option('rows', 1_000_000);
const BIG_ROWS = option('big-rows', 10_000_000);
const RUNS = option('runs', 3);
const CLI = fileURLToPath(new URL('../../bin/personalize-retrain.js', import.meta.url));

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
});

async function importOnce(
  personalize: PersonalizeClient,
  datasetArn: string,
  location: string,
  name: string,
) {
  const started = performance.now();
  const { datasetImportJobArn } = await personalize.send(
    new CreateDatasetImportJobCommand({ jobName: name, datasetArn, dataSource: { dataLocation: location } }),
  );
  for (;;) {
    const { datasetImportJob } = await personalize.send(
      new DescribeDatasetImportJobCommand({ datasetImportJobArn }),
    );
    if (datasetImportJob?.status === 'ACTIVE') return performance.now() - started;
    if (datasetImportJob?.status === 'CREATE FAILED')
      throw new Error(`import failed: ${datasetImportJob.failureReason}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function startChildEngine(
  stateDir: string,
  dataRoot: string,
): Promise<{ child: ChildProcess; url: string; started: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [CLI, 'engine', '--port', '0', '--state-dir', stateDir, '--data-root', dataRoot],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (data: Buffer) => {
      out += data.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`engine exited with ${code}`)));
  });
  return { child, url, started };
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return kb / 1024;
}

const work = mkdtempSync(join(tmpdir(), 'pr-bench-import-'));
try {
  const dataRoot = join(work, 'data');
  mkdirSync(join(dataRoot, 'bench'), { recursive: true });
  const csv = join(dataRoot, 'bench', 'interactions.csv');
  const bytes = await writeInteractionsCsv(csv, ROWS);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
  console.log(`file: ${ROWS} rows, ${(bytes / 1e6).toFixed(1)} MB`);

  const engine = await startEngine({ port: 0, stateDir: join(work, 'state'), dataRoot });
  const personalize = new PersonalizeClient(clientConfig(engine.url));
  const datasetArn = await createDataset(personalize);
  const baseline: number[] = [];
  const imports: number[] = [];
  // Alternate the two so that both see the same machine state (page cache, thermal).
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    const rows = await readAndSplit(csv);
    baseline.push(performance.now() - t0);
    if (rows !== ROWS) throw new Error(`baseline saw ${rows} rows`);
    imports.push(await importOnce(personalize, datasetArn, 's3://bench/interactions.csv', `bench-${run}`));
  }
  personalize.destroy();
  await engine.close();
  const baseMs = median(baseline);
  const importMs = median(imports);
  console.log(
    `baseline read+split: ${baseline.map((ms) => ms.toFixed(0)).join(', ')} ms; median ${baseMs.toFixed(0)} ms`,
  );
  console.log(
    `import to ACTIVE:    ${imports.map((ms) => ms.toFixed(0)).join(', ')} ms; median ${importMs.toFixed(0)} ms`,
  );
  console.log(
    `  => ${((ROWS / importMs) * 1000).toFixed(0)} rows/s (bar ≥ 1,000,000); ${(importMs / baseMs).toFixed(2)}× baseline (bar ≤ 3)`,
  );

  if (!args.includes('--skip-big')) {
    rmSync(csv);
    const bigCsv = join(dataRoot, 'bench', 'big.csv');
    const bigBytes = await writeInteractionsCsv(bigCsv, BIG_ROWS);
    const { child, url } = await startChildEngine(join(work, 'big-state'), dataRoot);
    const client = new PersonalizeClient(clientConfig(url));
    try {
      const bigDataset = await createDataset(client);
      const ms = await importOnce(client, bigDataset, 's3://bench/big.csv', 'bench-big');
      const rss = peakRssMb(child.pid ?? 0);
      console.log(
        `big import: ${BIG_ROWS} rows (${(bigBytes / 1e6).toFixed(0)} MB) in ${(ms / 1000).toFixed(2)} s = ` +
          `${((BIG_ROWS / ms) * 1000).toFixed(0)} rows/s; engine process peak RSS ${rss.toFixed(0)} MB (bar < 500)`,
      );
    } finally {
      client.destroy();
      await stopChild(child);
      rmSync(bigCsv);
    }
  }

  const starts: number[] = [];
  for (let run = 0; run < 5; run++) {
    const { child, url, started } = await startChildEngine(join(work, `start-${run}`), dataRoot);
    const client = new PersonalizeClient(clientConfig(url));
    await client.send(new ListDatasetGroupsCommand({}));
    starts.push(performance.now() - started);
    client.destroy();
    await stopChild(child);
  }
  console.log(
    `engine start to first answer: ${starts.map((ms) => ms.toFixed(0)).join(', ')} ms; median ${median(starts).toFixed(0)} ms (bar < 500)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
