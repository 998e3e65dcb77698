import {
  CreateCampaignCommand,
  CreateSolutionVersionCommand,
  DeleteCampaignCommand,
  DescribeCampaignCommand,
  InvalidInputException,
  LimitExceededException,
  ListCampaignsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateCampaignCommand,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand } from '@aws-sdk/client-personalize-runtime';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestEngine } from '../support/engine.js';
import { RECIPE, activeCampaign, createSolution, importShop, trainVersion } from '../support/shop.js';
import { HeldTrainings } from '../support/trainingGate.js';
import { waitFor } from '../support/wait.js';

test('a campaign is created on an ACTIVE version, described, listed and deleted', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn } = await importShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'recs');
  const { solutionVersionArn } = await trainVersion(personalize, solutionArn);
  const { campaignArn = '' } = await personalize.send(
    new CreateCampaignCommand({ name: 'front-page', solutionVersionArn }),
  );
  assert.equal(campaignArn, 'arn:aws:personalize:us-east-1:000000000000:campaign/front-page');
  const first = await personalize.send(new DescribeCampaignCommand({ campaignArn }));
  assert.ok(['CREATE PENDING', 'CREATE IN_PROGRESS'].includes(first.campaign?.status ?? ''));
  const active = await waitFor(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn })),
    (r) => r.campaign?.status === 'ACTIVE',
  );
  assert.equal(active.campaign?.solutionVersionArn, solutionVersionArn);
  assert.equal(active.campaign?.minProvisionedTPS, 1);
  assert.equal(active.campaign?.latestCampaignUpdate, undefined);

  const { campaigns = [] } = await personalize.send(new ListCampaignsCommand({ solutionArn }));
  assert.deepEqual(
    campaigns.map((c) => c.campaignArn),
    [campaignArn],
  );
  await personalize.send(new DeleteCampaignCommand({ campaignArn }));
  await assert.rejects(
    personalize.send(new DescribeCampaignCommand({ campaignArn })),
    ResourceNotFoundException,
  );
});

test('a campaign cannot deploy a version that is not ACTIVE', async (t) => {
  // The version stays in training, held at the gate, while the campaign is asked for.
  const held = new HeldTrainings();
  const { personalize, dataRoot } = await startTestEngine(t, { trainingGate: held.gate });
  const { datasetGroupArn } = await importShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'recs', RECIPE.userPersonalization);
  const { solutionVersionArn } = await personalize.send(new CreateSolutionVersionCommand({ solutionArn }));
  assert.equal(await held.nextArrival(), solutionVersionArn);
  await assert.rejects(
    personalize.send(new CreateCampaignCommand({ name: 'early', solutionVersionArn })),
    (error: unknown) => error instanceof InvalidInputException && /ACTIVE/.test(error.message),
  );
});

test('UpdateCampaign reports progress in latestCampaignUpdate while the campaign stays ACTIVE', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn } = await importShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'recs');
  const v1 = await trainVersion(personalize, solutionArn);
  const v2 = await trainVersion(personalize, solutionArn);
  const campaignArn = await activeCampaign(personalize, 'front-page', v1.solutionVersionArn);

  await personalize.send(
    new UpdateCampaignCommand({ campaignArn, solutionVersionArn: v2.solutionVersionArn }),
  );
  const during = await personalize.send(new DescribeCampaignCommand({ campaignArn }));
  assert.equal(during.campaign?.status, 'ACTIVE');
  assert.equal(
    during.campaign?.solutionVersionArn,
    v1.solutionVersionArn,
    'the old version serves until the update is live',
  );
  assert.equal(during.campaign?.latestCampaignUpdate?.solutionVersionArn, v2.solutionVersionArn);
  assert.ok(
    ['CREATE PENDING', 'CREATE IN_PROGRESS'].includes(during.campaign?.latestCampaignUpdate?.status ?? ''),
  );
  await assert.rejects(
    personalize.send(new UpdateCampaignCommand({ campaignArn, solutionVersionArn: v1.solutionVersionArn })),
    ResourceInUseException,
  );

  const after = await waitFor(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn })),
    (r) => r.campaign?.latestCampaignUpdate?.status === 'ACTIVE',
  );
  assert.equal(after.campaign?.status, 'ACTIVE');
  assert.equal(after.campaign?.solutionVersionArn, v2.solutionVersionArn);
});

test('under concurrent load, an update switches versions atomically: no request fails or sees a mix', async (t) => {
  const { personalize, runtime, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importShop(personalize, dataRoot);
  const upSolution = await createSolution(personalize, datasetGroupArn, 'recs');
  const popSolution = await createSolution(personalize, datasetGroupArn, 'popular', RECIPE.popularity, {});
  const personal = await trainVersion(personalize, upSolution);
  const popular = await trainVersion(personalize, popSolution);
  const campaignArn = await activeCampaign(personalize, 'switch', personal.solutionVersionArn);
  const users = shop.users.slice(0, 20).map((user) => user.id);
  const ask = async (userId: string) => {
    const response = await runtime.send(
      new GetRecommendationsCommand({ campaignArn, userId, numResults: 10 }),
    );
    return (response.itemList ?? []).map((item) => item.itemId).join(',');
  };

  const before = new Map(await Promise.all(users.map(async (u) => [u, await ask(u)] as const)));
  let stop = false;
  const answers: { userId: string; items: string }[] = [];
  const load = Array.from({ length: 8 }, async (_, worker) => {
    for (let n = 0; !stop; n++) {
      const userId = users[(worker + n) % users.length] ?? '';
      answers.push({ userId, items: await ask(userId) });
    }
  });
  await personalize.send(
    new UpdateCampaignCommand({ campaignArn, solutionVersionArn: popular.solutionVersionArn }),
  );
  await waitFor(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn })),
    (r) => r.campaign?.latestCampaignUpdate?.status === 'ACTIVE',
  );
  const afterAnswers = new Map(await Promise.all(users.map(async (u) => [u, await ask(u)] as const)));
  stop = true;
  await Promise.all(load);

  assert.ok(answers.length > 50, `only ${answers.length} requests ran during the update`);
  const newOnes = answers.filter((a) => a.items === afterAnswers.get(a.userId)).length;
  for (const { userId, items } of answers) {
    assert.ok(
      items === before.get(userId) || items === afterAnswers.get(userId),
      `a response for ${userId} matches neither version: ${items}`,
    );
  }
  assert.ok(newOnes > 0, 'no request saw the new version');
  assert.notEqual(before.get(users[0] ?? ''), afterAnswers.get(users[0] ?? ''));
});

test("ListCampaigns by solution lists only that solution's campaigns; a dataset group holds 5 campaigns", async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t, { timings: { campaignDeployMs: 0 } });
  const { datasetGroupArn } = await importShop(personalize, dataRoot);
  // '_' is a wildcard in SQL LIKE: a solution named top_1 must not claim top-1's campaigns.
  const underscore = await createSolution(personalize, datasetGroupArn, 'top_1');
  const dash = await createSolution(personalize, datasetGroupArn, 'top-1');
  const { solutionVersionArn: mine } = await trainVersion(personalize, underscore);
  const { solutionVersionArn: theirs } = await trainVersion(personalize, dash);
  const own = await activeCampaign(personalize, 'own', mine);
  for (const name of ['c2', 'c3', 'c4', 'c5']) await activeCampaign(personalize, name, theirs);

  const { campaigns = [] } = await personalize.send(new ListCampaignsCommand({ solutionArn: underscore }));
  assert.deepEqual(
    campaigns.map((c) => c.campaignArn),
    [own],
  );
  await assert.rejects(
    personalize.send(new CreateCampaignCommand({ name: 'sixth', solutionVersionArn: mine })),
    (error: unknown) => error instanceof LimitExceededException && /5 campaigns/.test(error.message),
  );
  await personalize.send(new DeleteCampaignCommand({ campaignArn: own }));
  await activeCampaign(personalize, 'sixth', mine);
});

test('syncWithLatestSolutionVersion with solutionArn/$LATEST: the campaign deploys each new FULL version once it is ACTIVE', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn } = await importShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'recs');
  const latest = `${solutionArn}/$LATEST`;
  await assert.rejects(
    personalize.send(new CreateCampaignCommand({ name: 'early', solutionVersionArn: latest })),
    (error: unknown) =>
      error instanceof InvalidInputException && /no ACTIVE solution version/.test(error.message),
  );
  const v1 = await trainVersion(personalize, solutionArn);
  await assert.rejects(
    personalize.send(
      new CreateCampaignCommand({
        name: 'pinned',
        solutionVersionArn: v1.solutionVersionArn,
        campaignConfig: { syncWithLatestSolutionVersion: true },
      }),
    ),
    (error: unknown) => error instanceof InvalidInputException && /\$LATEST/.test(error.message),
  );
  const { campaignArn = '' } = await personalize.send(
    new CreateCampaignCommand({
      name: 'follows',
      solutionVersionArn: latest,
      campaignConfig: { syncWithLatestSolutionVersion: true },
    }),
  );
  const created = await waitFor(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn })),
    (r) => r.campaign?.status === 'ACTIVE',
  );
  assert.equal(created.campaign?.solutionVersionArn, v1.solutionVersionArn);
  assert.equal(created.campaign?.campaignConfig?.syncWithLatestSolutionVersion, true);

  // An UPDATE-mode version does not move the campaign; the next FULL one does, without UpdateCampaign.
  const update = await trainVersion(personalize, solutionArn, 'UPDATE');
  assert.equal(update.version?.status, 'ACTIVE');
  const v2 = await trainVersion(personalize, solutionArn);
  const synced = await waitFor(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn })),
    (r) =>
      r.campaign?.latestCampaignUpdate?.status === 'ACTIVE' &&
      r.campaign.solutionVersionArn === v2.solutionVersionArn,
  );
  assert.equal(synced.campaign?.latestCampaignUpdate?.solutionVersionArn, v2.solutionVersionArn);
  assert.equal(synced.campaign?.campaignConfig?.syncWithLatestSolutionVersion, true);

  // UpdateCampaign with $LATEST and sync off pins the campaign: the next version is not deployed.
  await personalize.send(
    new UpdateCampaignCommand({
      campaignArn,
      solutionVersionArn: latest,
      campaignConfig: { syncWithLatestSolutionVersion: false },
    }),
  );
  await waitFor(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn })),
    (r) => r.campaign?.latestCampaignUpdate?.status === 'ACTIVE',
  );
  await trainVersion(personalize, solutionArn);
  const pinned = await personalize.send(new DescribeCampaignCommand({ campaignArn }));
  assert.equal(pinned.campaign?.solutionVersionArn, v2.solutionVersionArn);
  assert.equal(pinned.campaign?.latestCampaignUpdate?.status, 'ACTIVE');
});
