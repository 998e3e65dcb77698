import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tableFromRows } from '../../../src/engine/train/datasetTable.js';
import { ItemSet } from '../../../src/engine/train/itemSet.js';
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

test('only eligible items come back: ranked, explored and popular ones alike', () => {
  const { itemIds } = als.model;
  const evenOrCold = ItemSet.where(itemIds.length, (item) => {
    const id = itemIds[item]!;
    return id.startsWith('cold') || Number(id.slice(1)) % 2 === 0;
  });
  const allowed = (r: { itemId: string }) => evenOrCold.has(als.itemIndexOf(r.itemId)!);
  const exploration = { weight: 0.3, itemAgeCutOffDays: 30 };
  for (const userId of ['u1', 'u2', 'nobody']) {
    const plain = als.recommendForUser(userId, 20, { eligible: evenOrCold });
    const explored = als.recommendForUser(userId, 20, { eligible: evenOrCold, exploration });
    assert.equal(plain.length, 20);
    assert.ok([...plain, ...explored].every(allowed), userId);
  }
  // The unfiltered answer is the filtered one's superset in rank order for the items both allow.
  const full = als.recommendForUser('u1', 240).filter(allowed).slice(0, 20);
  assert.deepEqual(als.recommendForUser('u1', 20, { eligible: evenOrCold }), full);
});

test('a user vector given with the request replaces the trained one; the user-s seen items stay out', () => {
  const model = als.model as Extract<typeof als.model, { userFactors: Float32Array }>;
  const k = model.factors;
  const other = als.userIndexOf('u2')!;
  const vector = model.userFactors.slice(other * k, (other + 1) * k);
  const asNewcomer = als.recommendForUser('nobody', 10, { userVector: vector });
  assert.notDeepEqual(asNewcomer, als.popular(10));
  const u1Seen = new Set(rows.filter((row) => row.USER_ID === 'u1').map((row) => row.ITEM_ID));
  const u1WithU2sVector = als.recommendForUser('u1', 10, { userVector: vector });
  assert.ok(u1WithU2sVector.every((r) => !u1Seen.has(r.itemId)));
  assert.throws(() => als.recommendForUser('u1', 10, { userVector: [1, 2] }), /has 2 numbers/);
  const popularity = new Recommender(fitModel(request('popularity-count')).model);
  assert.throws(() => popularity.recommendForUser('u1', 10, { userVector: vector }), /needs an ALS model/);
});

test('the ranked form carries the same items and scores as the objects', () => {
  const ranked = als.rankedForUser('u3', 15, { exploration: { weight: 0.3, itemAgeCutOffDays: 30 } });
  const objects = als.recommendForUser('u3', 15, { exploration: { weight: 0.3, itemAgeCutOffDays: 30 } });
  assert.deepEqual(
    Array.from(ranked.items, (item, at) => ({ itemId: als.model.itemIds[item], score: ranked.scores[at] })),
    objects,
  );
});
