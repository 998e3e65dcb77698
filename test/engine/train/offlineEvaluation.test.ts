import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  heldOutCount,
  holdOutLatest,
  personalizeEvaluationSplit,
} from '../../../src/engine/train/offlineEvaluation.js';
import { EVENT_WEIGHTED_METRIC_KEYS, METRIC_KEYS } from '../../../src/engine/train/offlineMetrics.js';
import { trainSolution } from '../../../src/engine/train/trainSolution.js';
import { clusteredRows, clusteredTable, interactionsTable } from './syntheticInteractions.js';

test('the newest 10% of a user’s events are held out, at least one, rounded half up', () => {
  assert.deepEqual([2, 9, 14, 15, 20, 25, 34, 35].map(heldOutCount), [1, 1, 1, 2, 2, 3, 3, 4]);
});

test('holding out takes each user’s newest events, by timestamp rather than file order', () => {
  const table = interactionsTable([
    { USER_ID: 'ann', ITEM_ID: 'late', TIMESTAMP: 50 },
    { USER_ID: 'ann', ITEM_ID: 'early', TIMESTAMP: 10 },
    { USER_ID: 'bob', ITEM_ID: 'only', TIMESTAMP: 5 },
  ]);
  const split = holdOutLatest(table);
  assert.deepEqual(split.queries, [{ userId: 'ann', itemIds: ['late'], eventTypes: [['']] }]);
  assert.deepEqual(Array.from(split.trainRows), [0, 1, 1]);
});

test('the metric split tests a seeded 10% of users on their newest 10% and trains on everything else', () => {
  const rows = clusteredRows({
    users: 300,
    items: 120,
    clusters: 4,
    eventsPerUser: 20,
    loyalty: 0.9,
    seed: 9,
  });
  const table = interactionsTable(rows);
  const split = personalizeEvaluationSplit(table, 42);
  if ('insufficient' in split) throw new Error(split.insufficient);
  assert.equal(split.queries.length, 30);
  // Each test user has 20 events: the newest 2 are held out, the oldest 18 stay in training.
  const testUsers = new Set(split.queries.map((q) => q.userId));
  const heldOutRows = rows.flatMap((row, i) => (split.trainRows[i] === 0 ? [row] : []));
  assert.equal(heldOutRows.length, 60);
  for (const user of testUsers) {
    const times = rows.filter((row) => row.USER_ID === user).map((row) => row.TIMESTAMP);
    const held = heldOutRows.filter((row) => row.USER_ID === user).map((row) => row.TIMESTAMP);
    assert.deepEqual(held.sort(), times.sort((a, b) => a - b).slice(-2));
  }
  const again = personalizeEvaluationSplit(table, 42);
  assert.deepEqual(again, split);
  const other = personalizeEvaluationSplit(table, 43);
  assert.notDeepEqual('queries' in other ? other.queries : [], split.queries);
});

test('training reports every GetSolutionMetrics key, each a share between 0 and 1', () => {
  const interactions = clusteredTable({
    users: 200,
    items: 160,
    clusters: 4,
    eventsPerUser: 15,
    loyalty: 0.9,
    seed: 2,
  });
  const outcome = trainSolution({ algorithm: 'user-personalization', interactions, seed: 3 });
  assert.ok(outcome.metrics, outcome.metricsNote);
  // Without eventsConfig there is no event-weighted NDCG, as in the service.
  assert.deepEqual(Object.keys(outcome.metrics).sort(), [...METRIC_KEYS].sort());
  for (const value of Object.values(outcome.metrics)) assert.ok(value >= 0 && value <= 1);
  assert.ok(outcome.metrics.precision_at_5 > 0);
  assert.equal(outcome.stats.users, 200);
  assert.equal(outcome.stats.items, 160);
});

test('with fewer than 20 users who have 2 or more events there are no metrics, and the note says why', () => {
  const interactions = clusteredTable({
    users: 19,
    items: 40,
    clusters: 2,
    eventsPerUser: 10,
    loyalty: 0.9,
    seed: 2,
  });
  const outcome = trainSolution({ algorithm: 'popularity-count', interactions, seed: 3 });
  assert.equal(outcome.metrics, undefined);
  assert.match(outcome.metricsNote ?? '', /at least 20 users with 2 or more interactions .* the data has 19/);
  assert.ok(outcome.model.length > 0);
});

test('with eventsConfig, training also reports the event-weighted NDCG at 5, 10 and 25, which rewards the heavier events', () => {
  // Every user's events alternate purchase/click; the model is the same, only the rewards differ.
  const rows = clusteredRows({
    users: 200,
    items: 160,
    clusters: 4,
    eventsPerUser: 15,
    loyalty: 0.9,
    seed: 2,
  });
  rows.forEach((row, at) => (row.EVENT_TYPE = at % 2 === 0 ? 'purchase' : 'click'));
  const interactions = interactionsTable(rows);
  const weighted = (purchase: number, click: number) =>
    trainSolution({
      algorithm: 'user-personalization',
      interactions,
      seed: 3,
      eventWeights: [
        { eventType: 'purchase', weight: purchase },
        { eventType: 'click', weight: click },
      ],
    }).metrics;
  const even = weighted(0.5, 0.5);
  assert.ok(even);
  assert.deepEqual(Object.keys(even).sort(), [...METRIC_KEYS, ...EVENT_WEIGHTED_METRIC_KEYS].sort());
  // Equal weights reward every hit with 1: the weighted NDCG is the plain one.
  for (const k of [5, 10, 25] as const) {
    const plain = even[`normalized_discounted_cumulative_gain_at_${k}`];
    const withWeights = even[`normalized_discounted_cumulative_gain_with_event_weights_at_${k}`] ?? -1;
    assert.ok(Math.abs(plain - withWeights) < 1e-9, `k=${k}: ${plain} vs ${withWeights}`);
  }
  const skewed = weighted(0.3, 0.1);
  for (const value of Object.values(skewed ?? {})) assert.ok(value >= 0 && value <= 1);
});
