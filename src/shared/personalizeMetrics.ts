/**
 * The offline metrics Amazon Personalize reports for a solution version (GetSolutionMetrics), in the
 * service's spelling. The engine computes them; the pipeline's metric gate may compare any of them.
 */
export const PERSONALIZE_METRICS = [
  'coverage',
  'mean_reciprocal_rank_at_25',
  'normalized_discounted_cumulative_gain_at_5',
  'normalized_discounted_cumulative_gain_at_10',
  'normalized_discounted_cumulative_gain_at_25',
  'precision_at_5',
  'precision_at_10',
  'precision_at_25',
] as const;

export type PersonalizeMetric = (typeof PERSONALIZE_METRICS)[number];

/** The metric the gate compares when a parameters file names none (`GateMetric`). */
export const DEFAULT_GATE_METRIC: PersonalizeMetric = 'normalized_discounted_cumulative_gain_at_10';
