import { PERSONALIZE_METRICS, type PersonalizeMetric } from '../../shared/personalizeMetrics.js';
/**
 * The service's offline metrics for one query (a test user's recommendations against the items they
 * actually interacted with next), with binary relevance. Averaged over queries by summarizeMetrics.
 */

/** Share of the first k recommendations that are relevant, divided by k even when fewer were returned. */
export function precisionAtK(
  recommended: ArrayLike<number>,
  relevant: ReadonlySet<number>,
  k: number,
): number {
  let hits = 0;
  for (let i = 0; i < Math.min(k, recommended.length); i++) if (relevant.has(recommended[i]!)) hits++;
  return hits / k;
}

/** 1 / rank of the first relevant recommendation within the first k, 0 if there is none. */
export function reciprocalRankAtK(
  recommended: ArrayLike<number>,
  relevant: ReadonlySet<number>,
  k: number,
): number {
  for (let i = 0; i < Math.min(k, recommended.length); i++)
    if (relevant.has(recommended[i]!)) return 1 / (i + 1);
  return 0;
}

/**
 * Discounted cumulative gain of the first k (a relevant item at 1-based rank r adds 1 / log2(r + 1)),
 * divided by the best achievable: all relevant items first, as many as fit in k.
 */
export function ndcgAtK(recommended: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  for (let i = 0; i < Math.min(k, recommended.length); i++) {
    if (relevant.has(recommended[i]!)) dcg += 1 / Math.log2(i + 2);
  }
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/**
 * NDCG with graded relevance: each relevant item adds its reward (instead of 1) / log2(rank + 1),
 * divided by the best achievable, the highest rewards first. `rewards` maps item to reward.
 */
export function weightedNdcgAtK(
  recommended: ArrayLike<number>,
  rewards: ReadonlyMap<number, number>,
  k: number,
): number {
  if (rewards.size === 0) return 0;
  let dcg = 0;
  for (let i = 0; i < Math.min(k, recommended.length); i++) {
    dcg += (rewards.get(recommended[i]!) ?? 0) / Math.log2(i + 2);
  }
  const best = [...rewards.values()].sort((a, b) => b - a);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, best.length); i++) ideal += best[i]! / Math.log2(i + 2);
  return ideal > 0 ? dcg / ideal : 0;
}

/** The keys GetSolutionMetrics returns, in the service's spelling. */
export const METRIC_KEYS = PERSONALIZE_METRICS;

/**
 * The service's `normalized_discounted_cumulative_gain_with_event_weights_at_k`, reported for a
 * solution with `eventsConfig`, at the same k as the plain NDCG.
 */
export const EVENT_WEIGHTED_METRIC_KEYS = [
  'normalized_discounted_cumulative_gain_with_event_weights_at_5',
  'normalized_discounted_cumulative_gain_with_event_weights_at_10',
  'normalized_discounted_cumulative_gain_with_event_weights_at_25',
] as const;
const EVENT_WEIGHTED_K = [5, 10, 25] as const;

export type MetricKey = PersonalizeMetric;
export type EventWeightedMetricKey = (typeof EVENT_WEIGHTED_METRIC_KEYS)[number];
export type SolutionMetrics = Record<MetricKey, number> & Partial<Record<EventWeightedMetricKey, number>>;

export interface MetricQuery {
  /** Item indices, best first; the top 25 are scored. */
  readonly recommended: ArrayLike<number>;
  readonly relevant: ReadonlySet<number>;
  /** Each relevant item's reward under the solution's event weights; absent without `eventsConfig`. */
  readonly rewards?: ReadonlyMap<number, number>;
}

/**
 * Averages each metric over the queries; coverage is the number of distinct items recommended (top 25)
 * across all queries divided by `catalogueSize` (distinct items in the Interactions and Items datasets).
 */
export function summarizeMetrics(queries: readonly MetricQuery[], catalogueSize: number): SolutionMetrics {
  const sums: SolutionMetrics = Object.fromEntries(METRIC_KEYS.map((key) => [key, 0])) as SolutionMetrics;
  const recommendedItems = new Set<number>();
  for (const { recommended, relevant } of queries) {
    for (let i = 0; i < Math.min(25, recommended.length); i++) recommendedItems.add(recommended[i]!);
    sums.mean_reciprocal_rank_at_25 += reciprocalRankAtK(recommended, relevant, 25);
    sums.normalized_discounted_cumulative_gain_at_5 += ndcgAtK(recommended, relevant, 5);
    sums.normalized_discounted_cumulative_gain_at_10 += ndcgAtK(recommended, relevant, 10);
    sums.normalized_discounted_cumulative_gain_at_25 += ndcgAtK(recommended, relevant, 25);
    sums.precision_at_5 += precisionAtK(recommended, relevant, 5);
    sums.precision_at_10 += precisionAtK(recommended, relevant, 10);
    sums.precision_at_25 += precisionAtK(recommended, relevant, 25);
  }
  const n = queries.length || 1;
  const metrics: SolutionMetrics = { ...sums };
  for (const key of METRIC_KEYS) metrics[key] = sums[key] / n;
  if (queries.length > 0 && queries.every((query) => query.rewards !== undefined)) {
    EVENT_WEIGHTED_METRIC_KEYS.forEach((key, at) => {
      let sum = 0;
      for (const query of queries)
        sum += weightedNdcgAtK(query.recommended, query.rewards!, EVENT_WEIGHTED_K[at]!);
      metrics[key] = sum / n;
    });
  }
  metrics.coverage = catalogueSize > 0 ? recommendedItems.size / catalogueSize : 0;
  return metrics;
}
