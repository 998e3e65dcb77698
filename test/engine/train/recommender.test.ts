import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tableFromRows } from '../../../src/engine/train/datasetTable.js';
import { Recommender } from '../../../src/engine/train/recommender.js';
import { fitModel, type TrainingRequest } from '../../../src/engine/train/trainSolution.js';
import { clusteredRows, clusterOf, interactionsTable } from './syntheticInteractions.js';

const CLUSTERS = 6;
const rows = clusteredRows({
  users: 120,
  items: 240,
  clusters: CLUSTERS,
  eventsPerUser: 15,
  loyalty: 0.9,
  seed: 3,
});
const latest = Math.max(...rows.map((row) => row.TIMESTAMP));
const coldItems = Array.from({ length: 12 }, (_, i) => `cold${i}`);
const items = tableFromRows(
  [
    ...Array.from({ length: 240 }, (_, i) => ({ ITEM_ID: `i${i}`, CREATION_TIMESTAMP: 0 })),
    ...coldItems.map((id) => ({ ITEM_ID: id, CREATION_TIMESTAMP: latest - 86_400 })),
  ],
  { ITEM_ID: 'string', CREATION_TIMESTAMP: 'number' },
);
const request = (algorithm: TrainingRequest['algorithm']): TrainingRequest => ({
  algorithm,
  interactions: interactionsTable(rows),
  items,
  seed: 2,
});
const als = new Recommender(fitModel(request('user-personalization')).model);
const clusterOfItem = (itemId: string) => clusterOf(Number(itemId.slice(1)), CLUSTERS);

test('an unknown user gets the most popular items, as the service does', () => {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.ITEM_ID, (counts.get(row.ITEM_ID) ?? 0) + 1);
  const highest = Math.max(...counts.values());
  const recommendations = als.recommendForUser('nobody', 5);
  assert.equal(recommendations.length, 5);
  assert.equal(counts.get(recommendations[0]!.itemId), highest);
  assert.deepEqual(recommendations, als.popular(5));
});

test('items without interactions are never recommended without exploration', () => {
  const recommendations = als.recommendForUser('u1', 40);
  assert.ok(recommendations.every((r) => !r.itemId.startsWith('cold')));
});

test('with an exploration weight, new items without interactions take about that share of the results', () => {
  const exploration = { weight: 0.3, itemAgeCutOffDays: 30 };
  const recommendations = als.recommendForUser('u1', 20, { exploration });
  const cold = recommendations.filter((r) => r.itemId.startsWith('cold'));
  assert.equal(recommendations.length, 20);
  assert.equal(cold.length, 6);
  assert.equal(new Set(recommendations.map((r) => r.itemId)).size, 20);
  // Stable for one user and model, so paging or retries see the same list.
  assert.deepEqual(als.recommendForUser('u1', 20, { exploration }), recommendations);
  // Items older than the cut-off are not explored: with a cut-off of 0 days none of these qualify.
  const none = als.recommendForUser('u1', 20, { exploration: { weight: 0.3, itemAgeCutOffDays: 0 } });
  assert.ok(none.every((r) => !r.itemId.startsWith('cold')));
});

test('personalized ranking puts the user-s own-cluster items first and unknown items last', () => {
  const own = ['i0', 'i6', 'i12'];
  const other = ['i1', 'i2', 'i3'];
  const ranked = als.rank('u0', ['unknown-item', ...other, ...own]).map((r) => r.itemId);
  assert.deepEqual(new Set(ranked.slice(0, 3)), new Set(own));
  assert.equal(ranked.at(-1), 'unknown-item');
  assert.equal(ranked.length, 7);
});

test('similar items come mostly from the same cluster, for both similar-items and ALS models', () => {
  const sims = new Recommender(fitModel(request('similar-items')).model);
  for (const recommender of [sims, als]) {
    const similar = recommender.similarItems('i7', 10);
    assert.equal(similar.length, 10);
    assert.ok(similar.every((r) => r.itemId !== 'i7'));
    const same = similar.filter((r) => clusterOfItem(r.itemId) === clusterOf(7, CLUSTERS)).length;
    assert.ok(same >= 8, `${recommender.model.algorithm}: only ${same} of 10 in the same cluster`);
  }
  assert.deepEqual(sims.similarItems('unknown', 3), sims.popular(3));
});

test('exploration answers do not depend on how many other users were answered before', () => {
  const userIds = [...new Set(rows.map((row) => row.USER_ID))].slice(0, 40);
  const exploration = { exploration: { weight: 0.3, itemAgeCutOffDays: 30 } };
  const warm = new Recommender(als.model);
  const inOrder = userIds.map((userId) => warm.recommendForUser(userId, 10, exploration));
  const reversed = [...userIds]
    .reverse()
    .map((userId) => new Recommender(als.model).recommendForUser(userId, 10, exploration));
  assert.deepEqual(inOrder, reversed.reverse());
});
