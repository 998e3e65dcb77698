import {
  CreateSolutionCommand,
  DescribeCampaignCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionVersionCommand,
  ListDatasetImportJobsCommand,
  ListSolutionVersionsCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test, type TestContext } from 'node:test';
import { DATABASE_FILE } from '../../src/engine/store/database.js';
import {
  EXECUTIONS_FILE,
  openExecutionStore,
  type ExecutionRecord,
} from '../../src/pipeline/executions/index.js';
import {
  cli,
  copyDemoShop,
  demoFlags,
  openEngine,
  setUpDemoShop,
  spawnCli,
  writeParamsVariant,
  type DemoShop,
} from '../cli/support.js';

let demo: DemoShop;
before(async () => {
  demo = await setUpDemoShop();
});
after(() => rmSync(demo.stateDir, { recursive: true, force: true }));

function freshCopy(t: TestContext): DemoShop {
  const copy = copyDemoShop(demo);
  t.after(() => rmSync(copy.stateDir, { recursive: true, force: true }));
  return copy;
}

const IN_PROGRESS = `('CREATE PENDING', 'CREATE IN_PROGRESS')`;

/**
 * Starts `run` as a child process and kills it with SIGKILL once `inFlight` finds the work in the
 * engine's database (read from outside, as the crash must not be announced). Fails if the work
 * finished before it could be interrupted.
 */
async function runAndKill(
  t: TestContext,
  copy: DemoShop,
  paramsFile: string,
  inFlight: { readonly sql: string; readonly done: string },
): Promise<void> {
  const child = spawnCli(['run', ...demoFlags(copy, paramsFile)]);
  t.after(() => child.child.kill('SIGKILL'));
  await child.waitForOutput(/CheckTrainingInProgress succeeded/);
  const observer = new Database(join(copy.stateDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    for (;;) {
      if (observer.prepare(inFlight.sql).get()) break;
      assert.equal(observer.prepare(inFlight.done).get(), undefined, 'the work finished before the kill');
      await sleep(2);
    }
  } finally {
    observer.close();
  }
  child.child.kill('SIGKILL');
  const { signal } = await child.exited;
  assert.equal(signal, 'SIGKILL');
}

/** Runs the pipeline again in a fresh process, as a user would after the crash. */
async function runAgain(copy: DemoShop, paramsFile: string): Promise<string> {
  const child = spawnCli(['run', ...demoFlags(copy, paramsFile)]);
  const { code } = await child.exited;
  assert.equal(code, 0, child.output());
  assert.match(child.output(), /: SUCCEEDED in /);
  return child.output();
}

/** The pipeline's runs, newest first, as `history` lists them. */
function history(copy: DemoShop): ExecutionRecord[] {
  const store = openExecutionStore(join(copy.stateDir, EXECUTIONS_FILE));
  try {
    return store.list();
  } finally {
    store.close();
  }
}

/** The crashed run shows ABORTED; the re-run resumed it under its own execution name and succeeded. */
function assertResumed(runs: readonly ExecutionRecord[]): ExecutionRecord {
  assert.deepEqual(
    runs.map((run) => run.status),
    ['SUCCEEDED', 'ABORTED'],
  );
  const [rerun, crashed] = runs as [ExecutionRecord, ExecutionRecord];
  assert.equal(rerun.executionName, crashed.executionName);
  assert.equal(rerun.resumedFrom, crashed.id);
  assert.equal(crashed.error, 'Runner.Interrupted');
  return rerun;
}

function assertDatabasesIntact(copy: DemoShop): void {
  for (const file of [DATABASE_FILE, EXECUTIONS_FILE]) {
    const db = new Database(join(copy.stateDir, file), { fileMustExist: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', file);
    } finally {
      db.close();
    }
  }
}

/** Import jobs a run created for a dataset (their names start with the run id), with their status. */
async function runImportJobs(personalize: PersonalizeClient, datasetArn: string) {
  const { datasetImportJobs = [] } = await personalize.send(new ListDatasetImportJobsCommand({ datasetArn }));
  const jobs = [];
  for (const summary of datasetImportJobs.filter((job) => job.jobName?.startsWith('rt-'))) {
    const { datasetImportJob } = await personalize.send(
      new DescribeDatasetImportJobCommand({ datasetImportJobArn: summary.datasetImportJobArn }),
    );
    jobs.push({
      name: datasetImportJob?.jobName ?? '',
      status: datasetImportJob?.status ?? '',
      failureReason: datasetImportJob?.failureReason,
    });
  }
  return jobs.sort((a, b) => a.name.localeCompare(b.name));
}

async function solutionVersions(personalize: PersonalizeClient, solutionArn: string) {
  const { solutionVersions: summaries = [] } = await personalize.send(
    new ListSolutionVersionsCommand({ solutionArn }),
  );
  const versions = [];
  for (const summary of summaries) {
    const { solutionVersion } = await personalize.send(
      new DescribeSolutionVersionCommand({ solutionVersionArn: summary.solutionVersionArn }),
    );
    versions.push({
      arn: solutionVersion?.solutionVersionArn ?? '',
      name: solutionVersion?.name ?? '',
      status: solutionVersion?.status ?? '',
      failureReason: solutionVersion?.failureReason,
    });
  }
  return versions;
}

// Each crash runs in child processes on its own copy, so the two can overlap.
describe('the runner killed with SIGKILL, then run again', { concurrency: true }, () => {
  test('during an import: the re-run resumes under its own name, with no duplicate jobs or versions, databases intact', async (t) => {
    const copy = freshCopy(t);
    // A users export large enough that its import is still running when the process is killed.
    const rows = Array.from({ length: 150_000 }, (_, n) => `shopper-${n},segment-${n % 7}`);
    writeFileSync(
      join(copy.stateDir, 'data', 'demo-shop', 'users-big.csv'),
      `USER_ID,SEGMENT\n${rows.join('\n')}\n`,
    );
    const params = writeParamsVariant(copy, 'big-users', {
      S3UserDatasourcePath: 's3://demo-shop/users-big.csv',
    });
    const users = copy.resources.datasets.users;
    await runAndKill(t, copy, params, {
      sql: `SELECT 1 FROM dataset_import_jobs WHERE dataset_arn = '${users}' AND name LIKE 'rt-%' AND status IN ${IN_PROGRESS}`,
      done: `SELECT 1 FROM dataset_import_jobs WHERE dataset_arn = '${users}' AND name LIKE 'rt-%' AND status = 'ACTIVE'`,
    });

    await runAgain(copy, params);
    const rerun = assertResumed(history(copy));
    const { personalize, close } = await openEngine(copy.stateDir);
    try {
      const userJobs = await runImportJobs(personalize, users);
      assert.deepEqual(
        userJobs.map(({ name, status, failureReason }) => [
          name.replace(/^rt-[0-9a-f]+/, 'RUN'),
          status,
          failureReason,
        ]),
        [
          ['RUN-users-1', 'CREATE FAILED', 'interrupted'],
          ['RUN-users-2', 'ACTIVE', undefined],
        ],
      );
      for (const datasetArn of [copy.resources.datasets.items, copy.resources.datasets.interactions]) {
        const jobs = await runImportJobs(personalize, datasetArn);
        // Adopted if it had finished before the kill; otherwise interrupted and imported once more.
        assert.equal(jobs.filter((job) => job.status === 'ACTIVE').length, 1, JSON.stringify(jobs));
        assert.ok(jobs.length <= 2, JSON.stringify(jobs));
        for (const job of jobs.filter((j) => j.status !== 'ACTIVE'))
          assert.equal(job.failureReason, 'interrupted');
      }
      const versions = await solutionVersions(personalize, copy.resources.solutionArn);
      assert.equal(versions.length, 2, 'the version the campaign served, and one new one');
      assert.ok(versions.every((version) => version.status === 'ACTIVE'));
      const { campaign } = await personalize.send(
        new DescribeCampaignCommand({ campaignArn: copy.resources.campaignArn }),
      );
      assert.equal(campaign?.solutionVersionArn, rerun.solutionVersionArn);
    } finally {
      await close();
    }
    assertDatabasesIntact(copy);
  });

  test('during training: the re-run resumes under its own name and trains once more, importing nothing twice', async (t) => {
    const copy = freshCopy(t);
    const setup = await openEngine(copy.stateDir);
    let solutionArn: string;
    try {
      // Bigger factors and more sweeps than the demo's, so the training lasts long enough to be killed.
      ({ solutionArn = '' } = await setup.personalize.send(
        new CreateSolutionCommand({
          name: 'demo-shop-slow',
          datasetGroupArn: copy.resources.datasetGroupArn,
          recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
          performAutoTraining: false,
          solutionConfig: { algorithmHyperParameters: { hidden_dimension: '32', epochs: '12' } },
        }),
      ));
    } finally {
      await setup.close();
    }
    const params = writeParamsVariant(copy, 'slow-training', {
      SolutionArn: solutionArn,
      CampaignArn: undefined,
      UserDatasetArn: undefined,
      S3UserDatasourcePath: undefined,
      ItemDatasetArn: undefined,
      S3ItemDatasourcePath: undefined,
    });
    await runAndKill(t, copy, params, {
      sql: `SELECT 1 FROM solution_versions WHERE solution_arn = '${solutionArn}' AND status IN ${IN_PROGRESS}`,
      done: `SELECT 1 FROM solution_versions WHERE solution_arn = '${solutionArn}' AND status = 'ACTIVE'`,
    });

    await runAgain(copy, params);
    const rerun = assertResumed(history(copy));
    const { personalize, close } = await openEngine(copy.stateDir);
    try {
      const versions = await solutionVersions(personalize, solutionArn);
      assert.deepEqual(
        versions
          .map(({ name, status, failureReason }) => [
            name.replace(/^rt-[0-9a-f]+/, 'RUN'),
            status,
            failureReason,
          ])
          .sort(),
        [
          ['RUN-1', 'CREATE FAILED', 'interrupted'],
          ['RUN-2', 'ACTIVE', undefined],
        ],
      );
      assert.equal(versions.find((version) => version.status === 'ACTIVE')?.arn, rerun.solutionVersionArn);
      const jobs = await runImportJobs(personalize, copy.resources.datasets.interactions);
      assert.deepEqual(
        jobs.map((job) => job.status),
        ['ACTIVE'],
        'the import finished before the crash is adopted, not repeated',
      );
    } finally {
      await close();
    }
    assertDatabasesIntact(copy);
  });
});

/** A local webhook that keeps every JSON body POSTed to it. */
async function startWebhook(t: TestContext): Promise<{ url: string; received: Record<string, unknown>[] }> {
  const received: Record<string, unknown>[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      response.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

async function servedVersion(copy: DemoShop): Promise<string | undefined> {
  const { personalize, close } = await openEngine(copy.stateDir);
  try {
    const { campaign } = await personalize.send(
      new DescribeCampaignCommand({ campaignArn: copy.resources.campaignArn }),
    );
    return campaign?.solutionVersionArn;
  } finally {
    await close();
  }
}

test("a bad CSV fails the run with the import job's reason, notifies, and leaves the campaign serving what it served", async (t) => {
  const copy = freshCopy(t);
  const webhook = await startWebhook(t);
  writeFileSync(
    join(copy.stateDir, 'data', 'demo-shop', 'bad-interactions.csv'),
    'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nuser-00001,item-00001,yesterday,click\n',
  );
  const params = writeParamsVariant(copy, 'bad-csv', {
    S3UserInteractionDatasourcePath: 's3://demo-shop/bad-interactions.csv',
    NotificationUrl: webhook.url,
  });
  const servedBefore = await servedVersion(copy);

  const result = await cli('run', ...demoFlags(copy, params));

  assert.equal(result.code, 1, result.out + result.err);
  const { personalize, close } = await openEngine(copy.stateDir);
  try {
    const [failed] = (await runImportJobs(personalize, copy.resources.datasets.interactions)).filter(
      (job) => job.status === 'CREATE FAILED',
    );
    assert.ok(failed?.failureReason, 'the import job failed with a reason');
    assert.match(result.out, /: FAILED in /);
    assert.ok(result.out.includes(failed.failureReason), `${result.out} names "${failed.failureReason}"`);
    const [run] = history(copy);
    assert.equal(run?.status, 'FAILED');
    assert.ok(run.cause?.includes(failed.failureReason));
    const { campaign } = await personalize.send(
      new DescribeCampaignCommand({ campaignArn: copy.resources.campaignArn }),
    );
    assert.equal(campaign?.solutionVersionArn, servedBefore);
  } finally {
    await close();
  }
  assert.equal(webhook.received.length, 1);
  assert.equal(webhook.received[0]?.['pipeline'], 'demo-shop');
  assert.equal((webhook.received[0]?.['message'] as { Outcome?: string }).Outcome, 'FAILED');
});

test('a worse model is REJECTED by the gate: the campaign is not touched, and the rejection is notified', async (t) => {
  const copy = freshCopy(t);
  const webhook = await startWebhook(t);
  const setup = await openEngine(copy.stateDir);
  let solutionArn: string;
  let servedBefore: string | undefined;
  try {
    // One latent factor and one sweep: a model far weaker than the one the campaign serves.
    ({ solutionArn = '' } = await setup.personalize.send(
      new CreateSolutionCommand({
        name: 'demo-shop-weak',
        datasetGroupArn: copy.resources.datasetGroupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
        performAutoTraining: false,
        solutionConfig: { algorithmHyperParameters: { hidden_dimension: '1', epochs: '1' } },
      }),
    ));
    const { campaign } = await setup.personalize.send(
      new DescribeCampaignCommand({ campaignArn: copy.resources.campaignArn }),
    );
    servedBefore = campaign?.solutionVersionArn;
  } finally {
    await setup.close();
  }
  const params = writeParamsVariant(copy, 'weak-model', {
    SolutionArn: solutionArn,
    GateTolerance: '0',
    NotificationUrl: webhook.url,
  });

  const result = await cli('run', ...demoFlags(copy, params));

  assert.equal(result.code, 3, result.out + result.err);
  assert.match(result.out, /: REJECTED in /);
  const [run] = history(copy);
  assert.equal(run?.status, 'REJECTED');
  const metric = 'normalized_discounted_cumulative_gain_at_10';
  assert.ok((run.metrics?.[metric] ?? 1) < (run.previousMetrics?.[metric] ?? 0), JSON.stringify(run));
  assert.equal(run.previousSolutionVersionArn, servedBefore);
  assert.equal(await servedVersion(copy), servedBefore);
  assert.deepEqual(
    webhook.received.map((body) => (body['message'] as { Outcome?: string }).Outcome),
    ['REJECTED'],
  );
});
