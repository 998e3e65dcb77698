import {
  CreateFilterCommand,
  DeleteDatasetGroupCommand,
  DeleteFilterCommand,
  DescribeFilterCommand,
  InvalidInputException,
  LimitExceededException,
  ListFiltersCommand,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import { PutEventsCommand } from '@aws-sdk/client-personalize-events';
import {
  GetPersonalizedRankingCommand,
  GetRecommendationsCommand,
  InvalidInputException as RuntimeInvalidInput,
  ResourceNotFoundException as RuntimeNotFound,
} from '@aws-sdk/client-personalize-runtime';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createActiveEventTracker,
  createActiveFilter,
  deployCampaign,
  importCatalogShop,
} from '../support/catalogShop.js';
import { startTestEngine } from '../support/engine.js';
import { RECIPE } from '../support/shop.js';

test('CreateFilter: lifecycle to ACTIVE, Describe, List (Filters), Delete, name clash and quota', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn } = await importCatalogShop(personalize, dataRoot);
  const expression = 'EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE)';
  const { filterArn = '' } = await personalize.send(
    new CreateFilterCommand({ name: 'no-genre', datasetGroupArn, filterExpression: expression }),
  );
  assert.equal(filterArn, 'arn:aws:personalize:us-east-1:000000000000:filter/no-genre');
  const first = await personalize.send(new DescribeFilterCommand({ filterArn }));
  assert.ok(['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE'].includes(first.filter?.status ?? ''));
  await createActiveFilter(
    personalize,
    datasetGroupArn,
    'second',
    'INCLUDE ItemID WHERE Items.GENRE IN ("books")',
  );
  const { filter } = await personalize.send(new DescribeFilterCommand({ filterArn }));
  assert.equal(filter?.status, 'ACTIVE');
  assert.equal(filter?.filterExpression, expression);
  assert.equal(filter?.datasetGroupArn, datasetGroupArn);
  assert.ok(filter?.creationDateTime instanceof Date);
  const { Filters = [] } = await personalize.send(new ListFiltersCommand({ datasetGroupArn }));
  assert.deepEqual(
    Filters.map((f) => f.name),
    ['no-genre', 'second'],
  );
  await assert.rejects(
    personalize.send(
      new CreateFilterCommand({ name: 'no-genre', datasetGroupArn, filterExpression: expression }),
    ),
    ResourceAlreadyExistsException,
  );
  await assert.rejects(
    personalize.send(new DeleteDatasetGroupCommand({ datasetGroupArn })),
    ResourceInUseException,
  );
  for (let i = 2; i < 10; i++) {
    await personalize.send(
      new CreateFilterCommand({ name: `f${i}`, datasetGroupArn, filterExpression: expression }),
    );
  }
  await assert.rejects(
    personalize.send(new CreateFilterCommand({ name: 'f10', datasetGroupArn, filterExpression: expression })),
    LimitExceededException,
  );
  await personalize.send(new DeleteFilterCommand({ filterArn }));
  await assert.rejects(personalize.send(new DescribeFilterCommand({ filterArn })), ResourceNotFoundException);
});

test('CreateFilter refuses a malformed expression, or one the schemas cannot answer, naming position and problem', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn } = await importCatalogShop(personalize, dataRoot);
  const refused = async (filterExpression: string, message: RegExp) => {
    const error = await personalize
      .send(new CreateFilterCommand({ name: 'bad', datasetGroupArn, filterExpression }))
      .then(() => assert.fail(`accepted: ${filterExpression}`))
      .catch((e: unknown) => e);
    assert.ok(error instanceof InvalidInputException, String(error));
    assert.match(error.message, message);
  };
  await refused('EXCLUDE ItemID WHERE Items.GENRE INN ("a")', /at character 34: expected IN, NOT IN/);
  await refused('EXCLUDE ItemID WHERE Items.COLOUR IN ("red")', /at character 22: .*no field COLOUR.*GENRE/);
  await refused('EXCLUDE ItemID WHERE Interactions.ITEM_ID IN ("a")', /only use EVENT_TYPE/);
  await refused('EXCLUDE ItemID WHERE Items.GENRE < 3', /needs a numeric field/);
  await refused(
    'EXCLUDE ItemID WHERE Items.GENRE IN ("a") AND Interactions.EVENT_TYPE IN ("view")',
    /at character 47: .*dataset of the first condition/,
  );
  const none = await personalize
    .send(new ListFiltersCommand({ datasetGroupArn }))
    .then((r) => r.Filters ?? []);
  assert.deepEqual(none, []);
});

test('an items filter with a parameter returns only matching items, still numResults of them', async (t) => {
  const { personalize, runtime, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importCatalogShop(personalize, dataRoot);
  const campaignArn = await deployCampaign(personalize, datasetGroupArn, 'recs');
  const filterArn = await createActiveFilter(
    personalize,
    datasetGroupArn,
    'only-genre',
    'INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)',
  );
  const genreOf = new Map(shop.items.map((item) => [item.id, item.genre]));
  const genre = shop.items[0]?.genre ?? '';
  const userId = shop.users[0]?.id ?? '';
  const { itemList = [] } = await runtime.send(
    new GetRecommendationsCommand({
      campaignArn,
      userId,
      numResults: 10,
      filterArn,
      filterValues: { GENRE: `"${genre}"` },
    }),
  );
  assert.equal(itemList.length, 10);
  for (const item of itemList) assert.equal(genreOf.get(item.itemId ?? ''), genre, item.itemId);

  // Another value of the parameter is another answer, not a cached one.
  const other = shop.items.find((item) => item.genre !== genre)?.genre ?? '';
  const second = await runtime.send(
    new GetRecommendationsCommand({
      campaignArn,
      userId,
      numResults: 10,
      filterArn,
      filterValues: { GENRE: `"${other}"` },
    }),
  );
  for (const item of second.itemList ?? []) assert.equal(genreOf.get(item.itemId ?? ''), other);

  // An INCLUDE expression needs its parameter; an EXCLUDE expression without it is not applied.
  await assert.rejects(
    runtime.send(new GetRecommendationsCommand({ campaignArn, userId, filterArn })),
    RuntimeInvalidInput,
  );
  const exclude = await createActiveFilter(
    personalize,
    datasetGroupArn,
    'not-genre',
    'EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE)',
  );
  const unfiltered = await runtime.send(
    new GetRecommendationsCommand({ campaignArn, userId, numResults: 10 }),
  );
  const withoutValue = await runtime.send(
    new GetRecommendationsCommand({ campaignArn, userId, numResults: 10, filterArn: exclude }),
  );
  assert.deepEqual(withoutValue.itemList, unfiltered.itemList);

  await assert.rejects(
    runtime.send(new GetRecommendationsCommand({ campaignArn, userId, filterArn: `${filterArn}-gone` })),
    RuntimeNotFound,
  );
});

test('an interactions filter leaves out what the user bought through PutEvents; CurrentUser conditions gate a clause', async (t) => {
  const { personalize, runtime, events, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importCatalogShop(personalize, dataRoot);
  const campaignArn = await deployCampaign(personalize, datasetGroupArn, 'recs');
  const { trackingId } = await createActiveEventTracker(personalize, datasetGroupArn, 'tracker');
  const filterArn = await createActiveFilter(
    personalize,
    datasetGroupArn,
    'not-bought',
    'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("Purchase")',
  );
  const userId = shop.users[1]?.id ?? '';
  const before = await runtime.send(
    new GetRecommendationsCommand({ campaignArn, userId, numResults: 5, filterArn }),
  );
  const bought = (before.itemList ?? []).slice(0, 2).map((item) => item.itemId ?? '');
  await events.send(
    new PutEventsCommand({
      trackingId,
      userId,
      sessionId: 'session-1',
      eventList: bought.map((itemId) => ({ eventType: 'purchase', itemId, sentAt: new Date() })),
    }),
  );
  const after = await runtime.send(
    new GetRecommendationsCommand({ campaignArn, userId, numResults: 5, filterArn }),
  );
  assert.equal(after.itemList?.length, 5);
  for (const itemId of bought) assert.ok(!after.itemList?.some((item) => item.itemId === itemId), itemId);

  const segment = shop.users[1]?.segment ?? '';
  const gated = await createActiveFilter(
    personalize,
    datasetGroupArn,
    'gated',
    `INCLUDE ItemID WHERE Items.GENRE IN ("${shop.items[0]?.genre ?? ''}") IF CurrentUser.SEGMENT IN ("${segment}")`,
  );
  const genreOf = new Map(shop.items.map((item) => [item.id, item.genre]));
  const gatedList = await runtime.send(
    new GetRecommendationsCommand({ campaignArn, userId, numResults: 5, filterArn: gated }),
  );
  for (const item of gatedList.itemList ?? [])
    assert.equal(genreOf.get(item.itemId ?? ''), shop.items[0]?.genre);
  const outsider = shop.users.find((user) => user.segment !== segment)?.id ?? '';
  const open = await runtime.send(
    new GetRecommendationsCommand({ campaignArn, userId: outsider, numResults: 25, filterArn: gated }),
  );
  assert.ok(open.itemList?.some((item) => genreOf.get(item.itemId ?? '') !== shop.items[0]?.genre));
});

test('GetPersonalizedRanking applies a filter, and only ranking campaigns rank', async (t) => {
  const { personalize, runtime, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importCatalogShop(personalize, dataRoot);
  const ranking = await deployCampaign(personalize, datasetGroupArn, 'ranking', RECIPE.ranking);
  const recs = await deployCampaign(personalize, datasetGroupArn, 'recs');
  const genre = shop.items[0]?.genre ?? '';
  const filterArn = await createActiveFilter(
    personalize,
    datasetGroupArn,
    'drop-genre',
    `EXCLUDE ItemID WHERE Items.GENRE IN ("${genre}")`,
  );
  const inputList = shop.items.slice(0, 20).map((item) => item.id);
  const userId = shop.users[0]?.id ?? '';
  const { personalizedRanking = [] } = await runtime.send(
    new GetPersonalizedRankingCommand({ campaignArn: ranking, userId, inputList, filterArn }),
  );
  const kept = shop.items
    .slice(0, 20)
    .filter((item) => item.genre !== genre)
    .map((item) => item.id);
  assert.deepEqual(personalizedRanking.map((item) => item.itemId).sort(), [...kept].sort());
  await assert.rejects(
    runtime.send(new GetPersonalizedRankingCommand({ campaignArn: recs, userId, inputList })),
    (error: unknown) =>
      error instanceof RuntimeInvalidInput && /personalized-ranking recipe/.test(error.message),
  );
});
