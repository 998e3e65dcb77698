import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  METRIC_KEYS,
  ndcgAtK,
  precisionAtK,
  reciprocalRankAtK,
  summarizeMetrics,
  weightedNdcgAtK,
} from '../../../src/engine/train/offlineMetrics.js';
import { eventRewards } from '../../../src/engine/train/offlineEvaluation.js';

// One query used throughout: five recommendations, two of which (ranks 2 and 5) are among the
// user's three actual next items (20, 50 and 99; 99 was never recommended).
const recommended = [10, 20, 30, 40, 50];
const relevant = new Set([20, 50, 99]);
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `expected ${expected}, got ${actual}`);

test('precision at K counts relevant items in the first K and divides by K, even past the list end', () => {
  close(precisionAtK(recommended, relevant, 5), 2 / 5);
  close(precisionAtK(recommended, relevant, 2), 1 / 2);
  // Only five were recommended, but precision at 10 is still out of 10: 2/10.
  close(precisionAtK(recommended, relevant, 10), 2 / 10);
});

test('reciprocal rank is one over the rank of the first relevant item, zero when none is in the first K', () => {
  close(reciprocalRankAtK(recommended, relevant, 25), 1 / 2);
  close(reciprocalRankAtK(recommended, relevant, 1), 0);
  close(reciprocalRankAtK([50, 20], relevant, 25), 1);
});

test('nDCG divides the discounted gain by the gain of a perfect ranking of the relevant items', () => {
  // DCG@5 = 1/log2(2+1) + 1/log2(5+1) = 0.6309298 + 0.3868528 = 1.0177826.
  // Ideal: 3 relevant items at ranks 1..3: 1 + 0.6309298 + 0.5 = 2.1309298. nDCG = 0.477624.
  close(
    ndcgAtK(recommended, relevant, 5),
    (1 / Math.log2(3) + 1 / Math.log2(6)) / (1 + 1 / Math.log2(3) + 0.5),
  );
  assert.ok(Math.abs(ndcgAtK(recommended, relevant, 5) - 0.477624) < 1e-6);
  // With K = 2 only rank 2 counts, and the ideal has 2 relevant items: 0.630930 / 1.630930 = 0.386853.
  assert.ok(Math.abs(ndcgAtK(recommended, relevant, 2) - 0.386853) < 1e-6);
  close(ndcgAtK([7, 8], new Set([7]), 10), 1);
  close(ndcgAtK([7, 8], new Set<number>(), 10), 0);
});

test('the summary averages each metric over queries and measures coverage over the catalogue', () => {
  // Second query: the only relevant item comes first. precision@5 = 1/5, RR = 1, nDCG = 1.
  const metrics = summarizeMetrics(
    [
      { recommended, relevant },
      { recommended: [1, 2, 3], relevant: new Set([1]) },
    ],
    16,
  );
  assert.deepEqual(Object.keys(metrics).sort(), [...METRIC_KEYS].sort());
  close(metrics.precision_at_5, (0.4 + 0.2) / 2);
  close(metrics.precision_at_25, (2 / 25 + 1 / 25) / 2);
  close(metrics.mean_reciprocal_rank_at_25, (0.5 + 1) / 2);
  assert.ok(Math.abs(metrics.normalized_discounted_cumulative_gain_at_5 - (0.477624 + 1) / 2) < 1e-6);
  // 8 distinct items recommended (10..50 and 1..3) out of 16 in the catalogue.
  close(metrics.coverage, 0.5);
});

test("event-weighted NDCG rewards each hit with its event type's weight over the mean weight (purchase 0.3, click 0.1: 1.5 and 0.5)", () => {
  const reward = eventRewards([
    { eventType: 'purchase', weight: 0.3 },
    { eventType: 'click', weight: 0.1 },
  ]);
  close(reward(['purchase']), 1.5);
  close(reward(['click']), 0.5);
  close(reward(['click', 'purchase']), 1.5);
  // 20 was clicked, 50 purchased, 99 purchased but never recommended.
  const rewards = new Map([
    [20, 0.5],
    [50, 1.5],
    [99, 1.5],
  ]);
  const dcg = 0.5 / Math.log2(3) + 1.5 / Math.log2(6);
  const ideal = 1.5 + 1.5 / Math.log2(3) + 0.5 / Math.log2(4);
  close(weightedNdcgAtK(recommended, rewards, 5), dcg / ideal);
  // With every reward 1 it is the plain NDCG.
  const ones = new Map([...relevant].map((item) => [item, 1]));
  close(weightedNdcgAtK(recommended, ones, 5), ndcgAtK(recommended, relevant, 5));
});
