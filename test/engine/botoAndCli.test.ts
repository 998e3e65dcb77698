import { GetRecommendationsCommand } from '@aws-sdk/client-personalize-runtime';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createActiveEventTracker,
  createActiveFilter,
  deployCampaign,
  importCatalogShop,
} from '../support/catalogShop.js';
import { startTestEngine } from '../support/engine.js';

/** A python3 that has boto3: the one on PATH, else Debian's (`apt-get install python3-boto3`, see .ci/run). */
function pythonWithBoto3(): string | undefined {
  return ['python3', '/usr/bin/python3'].find(
    (python) => spawnSync(python, ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0,
  );
}

const hasAwsCli = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
const python = pythonWithBoto3();
const SKIP_BOTO3 = python
  ? false
  : 'no python3 with boto3: install Debian python3-boto3 (.ci/run does when it can)';
const SKIP_CLI = hasAwsCli ? false : 'no AWS CLI: install Debian awscli (.ci/run does when it can)';
const SCRIPT = join(process.cwd(), 'test', 'engine', 'python', 'filters_and_events.py');
/** Runs a child without blocking: the engine answering it lives in this process. */
function runChild(
  command: string,
  args: string[],
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env: ENV, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ status: code, stdout, stderr });
    });
  });
}

const ENV = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_PAGER: '',
};

test('boto3 creates and applies a filter, tags it, and records events', { skip: SKIP_BOTO3 }, async (t) => {
  const { personalize, runtime, engine, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importCatalogShop(personalize, dataRoot);
  const campaignArn = await deployCampaign(personalize, datasetGroupArn, 'recs');
  const { trackingId } = await createActiveEventTracker(personalize, datasetGroupArn, 'tracker');
  const genre = shop.items[0]?.genre ?? '';
  const userId = shop.users[0]?.id ?? '';
  const run = await runChild(python!, [
    SCRIPT,
    engine.url,
    datasetGroupArn,
    campaignArn,
    trackingId,
    userId,
    genre,
  ]);
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout) as {
    filterNames: string[];
    tags: unknown;
    badFilter: [string, string];
    filtered: string[];
    badTracker: string;
  };
  assert.deepEqual(out.filterNames, ['boto-genre']);
  assert.deepEqual(out.tags, [{ tagKey: 'client', tagValue: 'boto3' }]);
  assert.equal(out.badFilter[0], 'InvalidInputException');
  assert.match(out.badFilter[1], /at character 34/);
  const genreOf = new Map(shop.items.map((item) => [item.id, item.genre]));
  assert.equal(out.filtered.length, 5);
  for (const itemId of out.filtered) assert.equal(genreOf.get(itemId), genre);
  assert.equal(out.badTracker, 'ResourceNotFoundException');
  // The purchase boto3 recorded reaches the model: the bought item is no longer recommended.
  const after = await runtime.send(new GetRecommendationsCommand({ campaignArn, userId, numResults: 25 }));
  assert.ok(!after.itemList?.some((item) => item.itemId === out.filtered[0]));
});

test(
  'the AWS CLI describes filters, records events and gets filtered recommendations',
  { skip: SKIP_CLI },
  async (t) => {
    const { personalize, engine, dataRoot } = await startTestEngine(t);
    const { datasetGroupArn, shop } = await importCatalogShop(personalize, dataRoot);
    const campaignArn = await deployCampaign(personalize, datasetGroupArn, 'recs');
    const { trackingId } = await createActiveEventTracker(personalize, datasetGroupArn, 'tracker');
    const genre = shop.items[0]?.genre ?? '';
    const filterArn = await createActiveFilter(
      personalize,
      datasetGroupArn,
      'cli',
      'INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)',
    );
    const aws = (...args: string[]) =>
      runChild('aws', [...args, '--endpoint-url', engine.url, '--output', 'json']);
    const described = await aws('personalize', 'describe-filter', '--filter-arn', filterArn);
    assert.equal(described.status, 0, described.stderr);
    assert.equal((JSON.parse(described.stdout) as { filter: { status: string } }).filter.status, 'ACTIVE');

    const userId = shop.users[2]?.id ?? '';
    const recommend = async () => {
      const run = await aws(
        'personalize-runtime',
        'get-recommendations',
        '--campaign-arn',
        campaignArn,
        '--user-id',
        userId,
        '--num-results',
        '5',
        '--filter-arn',
        filterArn,
        '--filter-values',
        JSON.stringify({ GENRE: JSON.stringify(genre) }),
      );
      assert.equal(run.status, 0, run.stderr);
      return (JSON.parse(run.stdout) as { itemList: { itemId: string }[] }).itemList.map(
        (item) => item.itemId,
      );
    };
    const genreOf = new Map(shop.items.map((item) => [item.id, item.genre]));
    const first = await recommend();
    assert.equal(first.length, 5);
    for (const itemId of first) assert.equal(genreOf.get(itemId), genre);

    const put = await aws(
      'personalize-events',
      'put-events',
      '--tracking-id',
      trackingId,
      '--user-id',
      userId,
      '--session-id',
      'cli-session',
      '--event-list',
      JSON.stringify([{ eventType: 'purchase', itemId: first[0], sentAt: Math.floor(Date.now() / 1000) }]),
    );
    assert.equal(put.status, 0, put.stderr);
    assert.ok(
      !(await recommend()).includes(first[0] ?? ''),
      'the purchase recorded through the CLI is left out',
    );

    const bad = await aws(
      'personalize',
      'create-filter',
      '--name',
      'bad',
      '--dataset-group-arn',
      datasetGroupArn,
      '--filter-expression',
      'INCLUDE ItemID',
    );
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /InvalidInputException.*at character 15/);
  },
);
