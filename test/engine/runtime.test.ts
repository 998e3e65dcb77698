import {
  GetPersonalizedRankingCommand,
  GetRecommendationsCommand,
  InvalidInputException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize-runtime';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestEngine } from '../support/engine.js';
import { RECIPE, deployCampaign as deploy, importShop } from '../support/shop.js';

test('GetRecommendations returns numResults unseen items for a known user, 25 by default', async (t) => {
  const { personalize, runtime, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importShop(personalize, dataRoot);
  const campaignArn = await deploy(personalize, datasetGroupArn, 'recs', RECIPE.userPersonalization);
  const userId = shop.users[0]?.id ?? '';
  const seen = new Set(shop.interactions.filter((i) => i.userId === userId).map((i) => i.itemId));

  const { itemList = [], recommendationId } = await runtime.send(
    new GetRecommendationsCommand({ campaignArn, userId, numResults: 7 }),
  );
  assert.equal(itemList.length, 7);
  assert.match(recommendationId ?? '', /^RID-/);
  for (const item of itemList) assert.ok(!seen.has(item.itemId ?? ''), `${item.itemId} was already seen`);
  const scores = itemList.map((item) => item.score ?? 0);
  assert.deepEqual(
    scores,
    [...scores].sort((a, b) => b - a),
    'items come best first',
  );

  const byDefault = await runtime.send(new GetRecommendationsCommand({ campaignArn, userId }));
  assert.equal(byDefault.itemList?.length, 25);
});

test('an unknown user gets the popular items, as the service does', async (t) => {
  const { personalize, runtime, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importShop(personalize, dataRoot);
  const campaignArn = await deploy(personalize, datasetGroupArn, 'recs', RECIPE.userPersonalization);
  const counts = new Map<string, number>();
  for (const i of shop.interactions) counts.set(i.itemId, (counts.get(i.itemId) ?? 0) + 1);
  const mostPopular = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];

  const { itemList = [] } = await runtime.send(
    new GetRecommendationsCommand({ campaignArn, userId: 'someone-new', numResults: 5 }),
  );
  assert.equal(itemList.length, 5);
  assert.equal(itemList[0]?.itemId, mostPopular);
});

test('similar-items campaigns answer by itemId, and ranking campaigns re-rank an input list', async (t) => {
  const { personalize, runtime, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importShop(personalize, dataRoot);
  const similar = await deploy(personalize, datasetGroupArn, 'similar', RECIPE.similarItems);
  const itemId = shop.interactions[0]?.itemId ?? '';
  const { itemList = [] } = await runtime.send(
    new GetRecommendationsCommand({ campaignArn: similar, itemId, numResults: 10 }),
  );
  assert.equal(itemList.length, 10);
  assert.ok(!itemList.some((item) => item.itemId === itemId), 'an item is not similar to itself');
  await assert.rejects(
    runtime.send(new GetRecommendationsCommand({ campaignArn: similar, userId: 'user-00001' })),
    InvalidInputException,
  );

  const ranking = await deploy(personalize, datasetGroupArn, 'ranking', RECIPE.ranking);
  const inputList = shop.items.slice(0, 12).map((item) => item.id);
  const { personalizedRanking = [] } = await runtime.send(
    new GetPersonalizedRankingCommand({ campaignArn: ranking, userId: shop.users[1]?.id ?? '', inputList }),
  );
  assert.deepEqual(personalizedRanking.map((item) => item.itemId).sort(), [...inputList].sort());
  const rankingScores = personalizedRanking.map((item) => item.score ?? -1);
  assert.ok(
    Math.abs(rankingScores.reduce((sum, score) => sum + score, 0) - 1) < 1e-4,
    'ranking scores sum to 1',
  );
  assert.ok(
    itemList.every((item) => item.score === undefined),
    'similar-items gives no score, as the service',
  );
});

test('user-personalization scores are catalogue shares: in [0, 1], best first, a top 25 summing to at most 1', async (t) => {
  const { personalize, runtime, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importShop(personalize, dataRoot);
  const campaignArn = await deploy(personalize, datasetGroupArn, 'recs', RECIPE.userPersonalization);
  for (const userId of [shop.users[0]?.id ?? '', 'stranger']) {
    const { itemList = [] } = await runtime.send(new GetRecommendationsCommand({ campaignArn, userId }));
    const scores = itemList.map((item) => item.score ?? -1);
    assert.equal(scores.length, 25);
    assert.ok(
      scores.every((score) => score >= 0 && score <= 1),
      `${userId}: ${scores.join(',')}`,
    );
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
      `${userId}: non-increasing`,
    );
    assert.ok(scores.reduce((sum, score) => sum + score, 0) <= 1 + 1e-9, `${userId}: sums to at most 1`);
  }
  const popularity = await deploy(personalize, datasetGroupArn, 'popular', RECIPE.popularity);
  const { itemList = [] } = await runtime.send(
    new GetRecommendationsCommand({ campaignArn: popularity, userId: 'x' }),
  );
  assert.ok(
    itemList.every((item) => item.score === undefined),
    'popularity-count gives no score',
  );
});

test('runtime validation errors and unknown campaigns come back as the service returns them', async (t) => {
  const { personalize, runtime, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn } = await importShop(personalize, dataRoot);
  const campaignArn = await deploy(personalize, datasetGroupArn, 'recs', RECIPE.userPersonalization);
  await assert.rejects(
    runtime.send(new GetRecommendationsCommand({ campaignArn, userId: 'u', numResults: 501 })),
    InvalidInputException,
  );
  await assert.rejects(
    runtime.send(
      new GetRecommendationsCommand({
        campaignArn: 'arn:aws:personalize:us-east-1:000000000000:campaign/nope',
        userId: 'u',
      }),
    ),
    ResourceNotFoundException,
  );
});

test('a filterArn that names no filter is a 404, never an unfiltered answer that could show hidden items', async (t) => {
  const { personalize, runtime, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importShop(personalize, dataRoot);
  const campaignArn = await deploy(personalize, datasetGroupArn, 'recs', RECIPE.userPersonalization);
  const userId = shop.users[0]?.id ?? '';
  const filterArn = 'arn:aws:personalize:us-east-1:000000000000:filter/no-adult-items';
  await assert.rejects(
    runtime.send(new GetRecommendationsCommand({ campaignArn, userId, filterArn })),
    (error: unknown) =>
      error instanceof ResourceNotFoundException &&
      error.$metadata.httpStatusCode === 404 &&
      /no-adult-items/.test(error.message),
  );
  const { itemList = [] } = await runtime.send(new GetRecommendationsCommand({ campaignArn, userId }));
  assert.equal(itemList.length, 25);
});

test('after a restart, an ACTIVE campaign serves the same answers', async (t) => {
  const first = await startTestEngine(t, {});
  const { datasetGroupArn, shop } = await importShop(first.personalize, first.dataRoot);
  const campaignArn = await deploy(first.personalize, datasetGroupArn, 'recs', RECIPE.userPersonalization);
  const userId = shop.users[2]?.id ?? '';
  const ask = async (client: typeof first.runtime) =>
    (await client.send(new GetRecommendationsCommand({ campaignArn, userId, numResults: 10 }))).itemList?.map(
      (item) => item.itemId,
    );
  const before = await ask(first.runtime);
  await first.engine.close();
  const second = await startTestEngine(t, { stateDir: first.stateDir });
  assert.deepEqual(await ask(second.runtime), before);
});
