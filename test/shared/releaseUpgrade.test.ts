import { DescribeCampaignCommand, ListSolutionVersionsCommand } from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand } from '@aws-sdk/client-personalize-runtime';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { DATABASE_FILE } from '../../src/engine/store/database.js';
import { ENGINE_MIGRATIONS } from '../../src/engine/store/migrations.js';
import { EXECUTION_MIGRATIONS } from '../../src/pipeline/executions/migrations.js';
import { EXECUTIONS_FILE, openExecutionStore } from '../../src/pipeline/executions/index.js';
import { cli } from '../cli/support.js';
import { makeTempDir, startTestEngine } from '../support/engine.js';

/** A state dir as release 0.1.0 left it after `demo` and `rollback` (see its README). */
const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'state-v0.1.0');
const CAMPAIGN = 'arn:aws:personalize:us-east-1:000000000000:campaign/demo-shop';
const SOLUTION = 'arn:aws:personalize:us-east-1:000000000000:solution/demo-shop';

function releaseStateDir(t: Pick<TestContext, 'after'>): string {
  const stateDir = makeTempDir('pr-upgrade-');
  cpSync(FIXTURE, stateDir, { recursive: true });
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  return stateDir;
}

function schemaVersion(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return Number(db.pragma('user_version', { simple: true }));
  } finally {
    db.close();
  }
}

test("the engine opens a 0.1.0 state dir, upgrades its schema and serves its campaign's model", async (t) => {
  const stateDir = releaseStateDir(t);
  assert.equal(schemaVersion(join(stateDir, DATABASE_FILE)), 0);
  const { personalize, runtime } = await startTestEngine(t, { stateDir });
  assert.equal(schemaVersion(join(stateDir, DATABASE_FILE)), ENGINE_MIGRATIONS.length);

  const { campaign } = await personalize.send(new DescribeCampaignCommand({ campaignArn: CAMPAIGN }));
  assert.equal(campaign?.status, 'ACTIVE');
  const versions = await personalize.send(new ListSolutionVersionsCommand({ solutionArn: SOLUTION }));
  assert.equal(versions.solutionVersions?.length, 2);
  const answer = await runtime.send(
    new GetRecommendationsCommand({ campaignArn: CAMPAIGN, userId: 'user-00001', numResults: 5 }),
  );
  assert.equal(answer.itemList?.length, 5);
});

test('the 0.1.0 run history opens upgraded, with both of its runs and their steps', (t) => {
  const stateDir = releaseStateDir(t);
  const store = openExecutionStore(join(stateDir, EXECUTIONS_FILE));
  try {
    const runs = store.list();
    assert.deepEqual(
      runs.map((run) => [run.status, run.kind]),
      // The fixture's newest run is a rollback: version 2 of the schema knows it by its name.
      [
        ['SUCCEEDED', 'rollback'],
        ['SUCCEEDED', 'retraining'],
      ],
    );
    assert.ok(store.visits(runs[1]!.id).length > 5);
  } finally {
    store.close();
  }
  assert.equal(schemaVersion(join(stateDir, EXECUTIONS_FILE)), EXECUTION_MIGRATIONS.length);
});

test('a retraining run on an upgraded 0.1.0 state dir finishes and is listed after the old runs', async (t) => {
  const stateDir = releaseStateDir(t);
  const params = join(stateDir, 'demo-shop', 'parameters.cfg');
  const run = await cli(
    'run',
    '--params',
    params,
    '--stack-name',
    'demo-shop',
    '--state-dir',
    stateDir,
    '--json',
  );
  assert.ok([0, 3].includes(run.code), `run exited ${run.code}: ${run.err}`);
  const history = await cli('history', '--state-dir', stateDir, '--json');
  assert.equal(history.code, 0, history.err);
  assert.equal((JSON.parse(history.out) as unknown[]).length, 3);
});
