import {
  CreateCampaignCommand,
  CreateSolutionVersionCommand,
  DeleteCampaignCommand,
  DescribeCampaignCommand,
  DescribeSolutionVersionCommand,
  PersonalizeClient,
  StopSolutionVersionCreationCommand,
  UpdateCampaignCommand,
} from '@aws-sdk/client-personalize';
import {
  GetRecommendationsCommand,
  type PersonalizeRuntimeClient,
} from '@aws-sdk/client-personalize-runtime';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { makeTempDir, sdkClientConfig, startTestEngine } from '../support/engine.js';
import { RECIPE, createSolution, importShop, trainVersion } from '../support/shop.js';
import { HeldTrainings } from '../support/trainingGate.js';
import { waitFor } from '../support/wait.js';

const USER = 'user-00001';

async function activeCampaign(personalize: PersonalizeClient, name: string, solutionVersionArn: string) {
  const { campaignArn = '' } = await personalize.send(
    new CreateCampaignCommand({ name, solutionVersionArn }),
  );
  await waitFor(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn })),
    (r) => r.campaign?.status === 'ACTIVE',
  );
  return campaignArn;
}

/** The engine's module as compiled next to this test (dist/src/engine/engine.js). */
const ENGINE_MODULE = new URL('../../src/engine/engine.js', import.meta.url).href;

/**
 * Starts the engine in a process of its own, prints its URL, and waits to be killed. Every training
 * there waits at a gate that never opens, not even for a stop request, and campaign deployments take
 * a minute: the crash finds all of them in progress, however slow or fast the machine is.
 */
const CHILD_ENGINE = `
const { startEngine } = await import(process.argv[1]);
const engine = await startEngine({
  port: 0,
  stateDir: process.argv[2],
  timings: { campaignDeployMs: 60000 },
  trainingGate: () => new Promise(() => {}),
});
process.stdout.write(engine.url + '\\n');
`;

async function spawnEngine(t: TestContext, stateDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', CHILD_ENGINE, ENGINE_MODULE, stateDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  t.after(() => child.kill('SIGKILL'));
  child.stdout?.setEncoding('utf8');
  let printed = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: string) => {
      printed += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(printed);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`the engine process exited (${code}) before it was ready`)),
    );
  });
  return { child, url };
}

async function crash(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** Statuses as the crash left them in the database file, before any engine reopens it. */
function statusesOnDisk(stateDir: string, versionArns: string[], campaignArns: string[]) {
  const db = new Database(join(stateDir, 'engine.sqlite'), { readonly: true });
  try {
    const version = db.prepare(
      "SELECT status || coalesce(' (' || failure_reason || ')', '') AS status FROM solution_versions WHERE arn = ?",
    );
    const campaign = db.prepare('SELECT status, update_status FROM campaigns WHERE arn = ?');
    return {
      versions: versionArns.map((arn) => (version.get(arn) as { status: string }).status),
      campaigns: campaignArns.map(
        (arn) => campaign.get(arn) as { status: string; update_status: string | null },
      ),
    };
  } finally {
    db.close();
  }
}

test('after a crash (SIGKILL), trainings and campaign rollouts in progress are CREATE FAILED "interrupted", the old version keeps serving, and training works again', async (t) => {
  const stateDir = makeTempDir();
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));

  // Before the crash, in a well-behaved engine: an ACTIVE campaign serving version 1, a version 2 to roll out.
  let datasetGroupArn: string;
  let served: { campaignArn: string; v1: string; v2: string; answer: string[] };
  const answerOf = async (runtime: PersonalizeRuntimeClient, campaignArn: string) => {
    const { itemList = [] } = await runtime.send(
      new GetRecommendationsCommand({ campaignArn, userId: USER }),
    );
    return itemList.map((item) => `${item.itemId} ${item.score}`);
  };
  {
    const setup = await startTestEngine(
      { after: () => undefined },
      { stateDir, timings: { campaignDeployMs: 0 } },
    );
    ({ datasetGroupArn } = await importShop(setup.personalize, setup.dataRoot));
    const solutionArn = await createSolution(setup.personalize, datasetGroupArn, 'served');
    const v1 = (await trainVersion(setup.personalize, solutionArn)).solutionVersionArn;
    const v2 = (await trainVersion(setup.personalize, solutionArn, 'UPDATE')).solutionVersionArn;
    const campaignArn = await activeCampaign(setup.personalize, 'front-page', v1);
    const probe = await activeCampaign(setup.personalize, 'probe', v2);
    served = { campaignArn, v1, v2, answer: await answerOf(setup.runtime, campaignArn) };
    assert.notDeepEqual(
      await answerOf(setup.runtime, probe),
      served.answer,
      'versions 1 and 2 answer differently',
    );
    await setup.personalize.send(new DeleteCampaignCommand({ campaignArn: probe }));
    setup.personalize.destroy();
    setup.runtime.destroy();
    await setup.engine.close();
  }

  // The crashing engine: two long trainings (one being stopped), a campaign creation and an update under way.
  const { child, url } = await spawnEngine(t, stateDir);
  const crashing = new PersonalizeClient(sdkClientConfig(url));
  const training = await createSolution(crashing, datasetGroupArn, 'slow', RECIPE.userPersonalization);
  const stopping = await createSolution(crashing, datasetGroupArn, 'stopped', RECIPE.userPersonalization);
  const { solutionVersionArn: trainingArn = '' } = await crashing.send(
    new CreateSolutionVersionCommand({ solutionArn: training }),
  );
  const { solutionVersionArn: stoppingArn = '' } = await crashing.send(
    new CreateSolutionVersionCommand({ solutionArn: stopping }),
  );
  const { campaignArn: creatingArn = '' } = await crashing.send(
    new CreateCampaignCommand({ name: 'side-bar', solutionVersionArn: served.v1 }),
  );
  await crashing.send(
    new UpdateCampaignCommand({ campaignArn: served.campaignArn, solutionVersionArn: served.v2 }),
  );
  await waitFor(
    () => crashing.send(new DescribeSolutionVersionCommand({ solutionVersionArn: stoppingArn })),
    (r) => r.solutionVersion?.status === 'CREATE IN_PROGRESS',
  );
  await crashing.send(new StopSolutionVersionCreationCommand({ solutionVersionArn: stoppingArn }));
  await crash(child);
  crashing.destroy();

  const left = statusesOnDisk(stateDir, [trainingArn, stoppingArn], [creatingArn, served.campaignArn]);
  assert.equal(left.versions[0], 'CREATE IN_PROGRESS');
  // The stop was asked for but had not finished (the gate ignores it, as a worker between epochs would).
  assert.equal(left.versions[1], 'CREATE STOPPING');
  assert.ok(['CREATE PENDING', 'CREATE IN_PROGRESS'].includes(left.campaigns[0]?.status ?? ''));
  assert.equal(left.campaigns[1]?.status, 'ACTIVE');
  assert.ok(['CREATE PENDING', 'CREATE IN_PROGRESS'].includes(left.campaigns[1]?.update_status ?? ''));

  const held = new HeldTrainings();
  const { personalize, runtime } = await startTestEngine(t, {
    stateDir,
    timings: { campaignDeployMs: 0 },
    trainingGate: held.gate,
  });
  const version = async (solutionVersionArn: string) =>
    (await personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn }))).solutionVersion;
  assert.deepEqual(
    { status: (await version(trainingArn))?.status, reason: (await version(trainingArn))?.failureReason },
    { status: 'CREATE FAILED', reason: 'interrupted' },
  );
  assert.equal((await version(stoppingArn))?.status, 'CREATE STOPPED');
  assert.equal((await version(stoppingArn))?.failureReason, undefined);

  const creating = (await personalize.send(new DescribeCampaignCommand({ campaignArn: creatingArn })))
    .campaign;
  assert.deepEqual(
    { status: creating?.status, reason: creating?.failureReason },
    { status: 'CREATE FAILED', reason: 'interrupted' },
  );
  const updated = (await personalize.send(new DescribeCampaignCommand({ campaignArn: served.campaignArn })))
    .campaign;
  assert.equal(updated?.status, 'ACTIVE');
  assert.equal(updated?.solutionVersionArn, served.v1);
  assert.equal(updated?.latestCampaignUpdate?.status, 'CREATE FAILED');
  assert.equal(updated?.latestCampaignUpdate?.failureReason, 'interrupted');
  assert.equal(updated?.latestCampaignUpdate?.solutionVersionArn, served.v2);
  assert.deepEqual(
    await answerOf(runtime, served.campaignArn),
    served.answer,
    'the campaign still serves version 1',
  );

  const db = new Database(join(stateDir, 'engine.sqlite'), { readonly: true });
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();

  // Nothing is left holding the solution: a FULL training runs to ACTIVE, and the failed rollout can be retried.
  await personalize.send(
    new UpdateCampaignCommand({ campaignArn: served.campaignArn, solutionVersionArn: served.v2 }),
  );
  const retried = await waitFor(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn: served.campaignArn })),
    (r) => r.campaign?.latestCampaignUpdate?.status === 'ACTIVE',
  );
  assert.equal(retried.campaign?.solutionVersionArn, served.v2);
  const again = await createSolution(personalize, datasetGroupArn, 'again');
  void held.releaseNext();
  assert.equal((await trainVersion(personalize, again)).version?.status, 'ACTIVE');
  const { solutionVersionArn: retrain = '' } = await personalize.send(
    new CreateSolutionVersionCommand({ solutionArn: training, trainingMode: 'FULL' }),
  );
  assert.equal(await held.nextArrival(), retrain, 'the retraining is held in progress until stopped');
  await personalize.send(new StopSolutionVersionCreationCommand({ solutionVersionArn: retrain }));
  await waitFor(
    () => version(retrain),
    (v) => v?.status === 'CREATE STOPPED',
  );
});
