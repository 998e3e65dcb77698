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

/** The keys GetSolutionMetrics returns, in the service's spelling. */
export const METRIC_KEYS = PERSONALIZE_METRICS;

export type MetricKey = PersonalizeMetric;
export type SolutionMetrics = Record<MetricKey, number>;

export interface MetricQuery {
  /** Item indices, best first; the top 25 are scored. */
  readonly recommended: ArrayLike<number>;
  readonly relevant: ReadonlySet<number>;
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
  const metrics = { ...sums };
  for (const key of METRIC_KEYS) metrics[key] = sums[key] / n;
  metrics.coverage = catalogueSize > 0 ? recommendedItems.size / catalogueSize : 0;
  return metrics;
}
