import {
  CreateCampaignCommand,
  CreateEventTrackerCommand,
  DeleteEventTrackerCommand,
  DescribeCampaignCommand,
  DescribeEventTrackerCommand,
  LimitExceededException,
  ListEventTrackersCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import {
  InvalidInputException,
  PutEventsCommand,
  PutItemsCommand,
  PutUsersCommand,
  ResourceNotFoundException as EventsNotFound,
} from '@aws-sdk/client-personalize-events';
import { GetRecommendationsCommand } from '@aws-sdk/client-personalize-runtime';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { trainingTables } from '../../src/engine/train/trainingJobs.js';
import {
  createActiveEventTracker,
  createActiveFilter,
  deployCampaign,
  importCatalogShop,
} from '../support/catalogShop.js';
import { makeTempDir, startTestEngine } from '../support/engine.js';
import { importCsv, putObject } from '../support/imports.js';
import { interactionsCsv } from '../../src/demo/syntheticShop.js';
import { RECIPE, createSolution, trainVersion } from '../support/shop.js';
import { waitFor } from '../support/wait.js';

test('event trackers: one per dataset group, with a trackingId, described, listed and deleted', async (t) => {
  const { personalize, dataRoot, engine } = await startTestEngine(t);
  const { datasetGroupArn } = await importCatalogShop(personalize, dataRoot);
  const { eventTrackerArn, trackingId } = await createActiveEventTracker(
    personalize,
    datasetGroupArn,
    'clicks',
  );
  assert.match(eventTrackerArn, /^arn:aws:personalize:us-east-1:000000000000:event-tracker\/[0-9a-f]{8}$/);
  assert.match(trackingId, /^[0-9a-f-]{36}$/);
  const { eventTracker } = await personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn }));
  assert.equal(eventTracker?.trackingId, trackingId);
  assert.equal(eventTracker?.accountId, engine.ctx.scope.account);
  assert.equal(eventTracker?.datasetGroupArn, datasetGroupArn);
  await assert.rejects(
    personalize.send(new CreateEventTrackerCommand({ name: 'second', datasetGroupArn })),
    LimitExceededException,
  );
  const { eventTrackers = [] } = await personalize.send(new ListEventTrackersCommand({ datasetGroupArn }));
  assert.deepEqual(
    eventTrackers.map((tracker) => [tracker.name, tracker.status]),
    [['clicks', 'ACTIVE']],
  );
  await personalize.send(new DeleteEventTrackerCommand({ eventTrackerArn }));
  await assert.rejects(
    personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn })),
    ResourceNotFoundException,
  );
});

test('PutEvents checks its input as the service does', async (t) => {
  const { personalize, events, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn } = await importCatalogShop(personalize, dataRoot);
  const { trackingId } = await createActiveEventTracker(personalize, datasetGroupArn, 'clicks');
  const event = { eventType: 'view', itemId: 'item-00001', sentAt: new Date() };
  const put = (input: Partial<ConstructorParameters<typeof PutEventsCommand>[0]>) =>
    events.send(
      new PutEventsCommand({ trackingId, sessionId: 's', userId: 'u', eventList: [event], ...input }),
    );
  await put({});
  await assert.rejects(put({ eventList: Array.from({ length: 11 }, () => event) }), InvalidInputException);
  await assert.rejects(put({ trackingId: 'not-a-tracker' }), EventsNotFound);
  await assert.rejects(
    put({ eventList: [{ ...event, properties: '{"colour": "red"}' }] }),
    (error: unknown) => error instanceof InvalidInputException && /colour.*not a field/.test(error.message),
  );
  await assert.rejects(put({ eventList: [{ ...event, properties: 'not json' }] }), InvalidInputException);
  await assert.rejects(
    put({ eventList: [{ ...event, sentAt: new Date(Date.now() * 1000) }] }),
    InvalidInputException,
  );
  await assert.rejects(put({ eventList: [{ eventType: 'view', sentAt: new Date() }] }), /itemId is required/);
});

test("a new user's purchases in one genre turn their next recommendations to that genre at once", async (t) => {
  const { personalize, runtime, events, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importCatalogShop(personalize, dataRoot);
  const campaignArn = await deployCampaign(personalize, datasetGroupArn, 'recs');
  const { trackingId } = await createActiveEventTracker(personalize, datasetGroupArn, 'tracker');
  const genreOf = new Map(shop.items.map((item) => [item.id, item.genre]));
  const popularity = new Map<string, number>();
  for (const i of shop.interactions) popularity.set(i.itemId, (popularity.get(i.itemId) ?? 0) + 1);
  const userId = 'brand-new-user';
  const before = await runtime.send(new GetRecommendationsCommand({ campaignArn, userId, numResults: 10 }));
  const genres = [...new Set(shop.items.map((item) => item.genre))];
  // The genre least represented among the popular items the new user sees first.
  const genre = genres
    .map((g) => [g, (before.itemList ?? []).filter((i) => genreOf.get(i.itemId ?? '') === g).length] as const)
    .sort((a, b) => a[1] - b[1])[0]?.[0];
  const bought = shop.items
    .filter((item) => item.genre === genre)
    .sort((a, b) => (popularity.get(b.id) ?? 0) - (popularity.get(a.id) ?? 0))
    .slice(0, 5);
  const started = Date.now();
  await events.send(
    new PutEventsCommand({
      trackingId,
      userId,
      sessionId: 'first-visit',
      eventList: bought.map((item) => ({ eventType: 'purchase', itemId: item.id, sentAt: new Date() })),
    }),
  );
  const { itemList = [] } = await runtime.send(
    new GetRecommendationsCommand({ campaignArn, userId, numResults: 10 }),
  );
  const elapsed = Date.now() - started;
  const inGenre = itemList.filter((item) => genreOf.get(item.itemId ?? '') === genre).length;
  assert.ok(
    inGenre >= 6,
    `only ${inGenre} of 10 are ${genre}: ${itemList.map((i) => genreOf.get(i.itemId ?? '')).join(',')}`,
  );
  for (const item of bought)
    assert.ok(!itemList.some((i) => i.itemId === item.id), 'bought items are left out');
  assert.ok(elapsed < 1500, `took ${elapsed} ms`); // generous: the answer needs no retraining, only a fold-in
});

test('events recorded before a restart still shape the next recommendations after it', async (t) => {
  const stateDir = makeTempDir();
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const first = await startTestEngine(t, { stateDir });
  const { datasetGroupArn, shop } = await importCatalogShop(first.personalize, first.dataRoot);
  const campaignArn = await deployCampaign(first.personalize, datasetGroupArn, 'recs');
  const { trackingId } = await createActiveEventTracker(first.personalize, datasetGroupArn, 'tracker');
  const userId = shop.interactions[0]!.userId;
  const recommended = async (runtime: typeof first.runtime) =>
    (
      (await runtime.send(new GetRecommendationsCommand({ campaignArn, userId, numResults: 5 }))).itemList ??
      []
    ).map((item) => item.itemId);
  const bought = (await recommended(first.runtime)).slice(0, 2) as string[];
  await first.events.send(
    new PutEventsCommand({
      trackingId,
      userId,
      sessionId: 's',
      eventList: bought.map((itemId) => ({ eventType: 'purchase', itemId, sentAt: new Date() })),
    }),
  );
  await first.engine.close();
  const second = await startTestEngine(t, { stateDir });
  const after = await recommended(second.runtime);
  assert.equal(after.length, 5);
  for (const itemId of bought) assert.ok(!after.includes(itemId), `${itemId} was bought before the restart`);
});

test('recorded events and put items join training, and survive a FULL bulk import', async (t) => {
  const { personalize, events, dataRoot, engine } = await startTestEngine(t);
  const { datasetGroupArn, shop, interactionsDatasetArn, itemsDatasetArn } = await importCatalogShop(
    personalize,
    dataRoot,
  );
  const { trackingId } = await createActiveEventTracker(personalize, datasetGroupArn, 'tracker');
  await events.send(
    new PutEventsCommand({
      trackingId,
      userId: 'live-user',
      sessionId: 's',
      eventList: [{ eventType: 'purchase', itemId: 'live-item', sentAt: new Date() }],
    }),
  );
  await events.send(
    new PutItemsCommand({
      datasetArn: itemsDatasetArn,
      items: [
        {
          itemId: 'live-item',
          properties: JSON.stringify({ genre: 'gadgets', creationTimestamp: 1_700_000_000 }),
        },
      ],
    }),
  );
  putObject(dataRoot, 'shop-bucket', 'again.csv', interactionsCsv(shop.interactions.slice(0, 500)));
  assert.equal(
    (await importCsv(personalize, interactionsDatasetArn, 's3://shop-bucket/again.csv')).status,
    'ACTIVE',
  );
  const tables = trainingTables(engine.ctx, datasetGroupArn);
  assert.equal(tables.interactions?.rowCount, 501);
  const users = tables.interactions?.columns['USER_ID'];
  assert.ok(users?.kind === 'string' && users.dictionary[users.codes[500] ?? -1] === 'live-user');
  const items = tables.items?.columns['ITEM_ID'];
  assert.ok(items?.kind === 'string' && items.dictionary.includes('live-item'));
});

test('PutItems and PutUsers records are what filters see next, checked against the schema', async (t) => {
  const { personalize, runtime, events, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop, itemsDatasetArn, usersDatasetArn } = await importCatalogShop(
    personalize,
    dataRoot,
  );
  const campaignArn = await deployCampaign(personalize, datasetGroupArn, 'recs');
  const userId = shop.users[0]?.id ?? '';
  const first = await runtime.send(new GetRecommendationsCommand({ campaignArn, userId, numResults: 3 }));
  const top = first.itemList?.[0]?.itemId ?? '';
  const filterArn = await createActiveFilter(
    personalize,
    datasetGroupArn,
    'no-recalled',
    'EXCLUDE ItemID WHERE Items.GENRE IN ("recalled") IF CurrentUser.SEGMENT IN ("careful")',
  );
  await events.send(
    new PutItemsCommand({
      datasetArn: itemsDatasetArn,
      items: [
        { itemId: top, properties: JSON.stringify({ genre: 'recalled', creationTimestamp: 1_700_000_000 }) },
      ],
    }),
  );
  const notYet = await runtime.send(
    new GetRecommendationsCommand({ campaignArn, userId, numResults: 3, filterArn }),
  );
  assert.equal(notYet.itemList?.[0]?.itemId, top, 'the clause applies only to careful users');
  await events.send(
    new PutUsersCommand({
      datasetArn: usersDatasetArn,
      users: [{ userId, properties: '{"segment": "careful"}' }],
    }),
  );
  const now = await runtime.send(
    new GetRecommendationsCommand({ campaignArn, userId, numResults: 3, filterArn }),
  );
  assert.ok(!now.itemList?.some((item) => item.itemId === top));
  await assert.rejects(
    events.send(
      new PutItemsCommand({
        datasetArn: itemsDatasetArn,
        items: [{ itemId: 'x', properties: '{"genre": 5}' }],
      }),
    ),
    InvalidInputException,
  );
  await assert.rejects(
    events.send(new PutUsersCommand({ datasetArn: itemsDatasetArn, users: [{ userId: 'x' }] })),
    /USERS dataset/,
  );
});

test('items put with PutItems are exploration candidates at once on a user-personalization campaign, before any training', async (t) => {
  const { personalize, runtime, events, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop, itemsDatasetArn } = await importCatalogShop(personalize, dataRoot);
  const solutionArn = await createSolution(
    personalize,
    datasetGroupArn,
    'explore',
    RECIPE.userPersonalization,
  );
  const { solutionVersionArn } = await trainVersion(personalize, solutionArn);
  // A cut-off of a few seconds before the newest event: no imported item is young enough to explore.
  const { campaignArn = '' } = await personalize.send(
    new CreateCampaignCommand({
      name: 'explore',
      solutionVersionArn,
      campaignConfig: {
        itemExplorationConfig: { explorationWeight: '0.2', explorationItemAgeCutOff: '0.0001' },
      },
    }),
  );
  await waitFor(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn })),
    (r) => r.campaign?.status === 'ACTIVE',
  );
  const users = shop.users.slice(0, 5).map((user) => user.id);
  const listsHold = async (itemId: string) =>
    Promise.all(
      users.map(async (userId) => {
        const { itemList = [] } = await runtime.send(
          new GetRecommendationsCommand({ campaignArn, userId, numResults: 10 }),
        );
        return itemList.some((item) => item.itemId === itemId);
      }),
    );
  assert.deepEqual(await listsHold('brand-new'), [false, false, false, false, false]);
  const newest = Math.max(...shop.interactions.map((event) => event.timestamp));
  await events.send(
    new PutItemsCommand({
      datasetArn: itemsDatasetArn,
      items: [
        { itemId: 'brand-new', properties: JSON.stringify({ genre: 'toys', creationTimestamp: newest }) },
      ],
    }),
  );
  assert.deepEqual(await listsHold('brand-new'), [true, true, true, true, true]);
});
