import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FactorModel } from '../../../src/engine/train/model.js';
import { encodeModel } from '../../../src/engine/train/modelCodec.js';
import { evaluateHoldout, holdOutLatest } from '../../../src/engine/train/offlineEvaluation.js';
import { Recommender } from '../../../src/engine/train/recommender.js';
import {
  fitModel,
  TrainingRequestError,
  type TrainingRequest,
} from '../../../src/engine/train/trainSolution.js';
import { clusteredRows, clusterOf, clusteredTable, interactionsTable } from './syntheticInteractions.js';

const CLUSTERS = 8;
const shape = { users: 200, items: 400, clusters: CLUSTERS, eventsPerUser: 20, loyalty: 0.9, seed: 11 };
const table = clusteredTable(shape);

const request = (overrides: Partial<TrainingRequest> = {}): TrainingRequest => ({
  algorithm: 'user-personalization',
  interactions: table,
  seed: 5,
  ...overrides,
});

const clusterOfItem = (itemId: string) => clusterOf(Number(itemId.slice(1)), CLUSTERS);

test('on clustered tastes, ALS predicts held-out events far better than popularity', () => {
  const split = holdOutLatest(table);
  const score = (algorithm: TrainingRequest['algorithm']) =>
    evaluateHoldout(new Recommender(fitModel(request({ algorithm }), split.trainRows).model), split);
  const als = score('user-personalization');
  const popularity = score('popularity-count');
  assert.ok(
    als.normalized_discounted_cumulative_gain_at_10 >
      2 * popularity.normalized_discounted_cumulative_gain_at_10,
    `ALS nDCG@10 ${als.normalized_discounted_cumulative_gain_at_10} vs popularity ${popularity.normalized_discounted_cumulative_gain_at_10}`,
  );
  assert.ok(als.precision_at_10 > 3 * popularity.precision_at_10);
});

test("a known user's recommendations come from their own cluster and exclude what they already saw", () => {
  const recommender = new Recommender(fitModel(request()).model);
  const user = 'u3';
  const seen = new Set(
    clusteredRows(shape)
      .filter((row) => row.USER_ID === user)
      .map((row) => row.ITEM_ID),
  );
  const recommendations = recommender.recommendForUser(user, 10);
  assert.equal(recommendations.length, 10);
  assert.ok(recommendations.every((r) => !seen.has(r.itemId)));
  const ownCluster = recommendations.filter((r) => clusterOfItem(r.itemId) === clusterOf(3, CLUSTERS)).length;
  assert.ok(ownCluster >= 8, `only ${ownCluster} of 10 from the user's cluster`);
});

test('the same seed trains the same model; another seed, another one', () => {
  const first = fitModel(request()).model as FactorModel;
  const second = fitModel(request()).model as FactorModel;
  const other = fitModel(request({ seed: 6 })).model as FactorModel;
  assert.deepEqual(second.userFactors, first.userFactors);
  assert.deepEqual(second.itemFactors, first.itemFactors);
  assert.notDeepEqual(other.itemFactors, first.itemFactors);
});

test('UPDATE starts from the previous model, brings in new users and items, and runs only update_epochs sweeps', () => {
  const previous = fitModel(request());
  // A later week: the same users plus 40 new ones (u200..u239), on a catalogue grown to 800 items.
  const laterWeek = clusteredRows({
    ...shape,
    users: 240,
    items: 800,
    eventsPerUser: 15,
    startTime: 1_800_000_000,
  });
  const grown = interactionsTable([...clusteredRows(shape), ...laterWeek]);
  const sweeps: number[] = [];
  const updated = fitModel(
    request({ interactions: grown, trainingMode: 'UPDATE', previousModel: encodeModel(previous.model) }),
    undefined,
    { onProgress: (p) => sweeps.push(p.epoch) },
  ).model as FactorModel;
  assert.deepEqual(sweeps, [1, 2]);
  assert.deepEqual(updated.userIds.slice(0, previous.model.userIds.length), previous.model.userIds);
  assert.ok(updated.userIds.includes('u237'));
  assert.ok(updated.itemIds.includes('i401'));
  const recommendations = new Recommender(updated).recommendForUser('u205', 10);
  const ownCluster = recommendations.filter(
    (r) => clusterOfItem(r.itemId) === clusterOf(205, CLUSTERS),
  ).length;
  assert.ok(ownCluster >= 8, `only ${ownCluster} of 10 from the new user's cluster`);
  // New items got factors of their own: ranking 80 of them for each new user puts the user's cluster
  // first (a random order would put 1.25 of the top 10 there on average).
  const newItems = Array.from({ length: 80 }, (_, i) => `i${400 + i}`);
  const recommender = new Recommender(updated);
  let own = 0;
  for (let u = 200; u < 240; u++) {
    const top = recommender.rank(`u${u}`, newItems).slice(0, 10);
    own += top.filter((r) => clusterOfItem(r.itemId) === clusterOf(u, CLUSTERS)).length;
  }
  assert.ok(own / 40 >= 6, `on average only ${own / 40} of the 10 best new items from the user's cluster`);
});

test('UPDATE needs a previous user-personalization model and a user-personalization recipe', () => {
  assert.throws(() => fitModel(request({ trainingMode: 'UPDATE' })), TrainingRequestError);
  const popularity = encodeModel(fitModel(request({ algorithm: 'popularity-count' })).model);
  assert.throws(
    () => fitModel(request({ trainingMode: 'UPDATE', previousModel: popularity })),
    /must start from a user-personalization model/,
  );
  assert.throws(
    () =>
      fitModel(request({ algorithm: 'similar-items', trainingMode: 'UPDATE', previousModel: popularity })),
    /only for user-personalization recipes/,
  );
});
