import type { ExecutionRecord } from '../pipeline/executions/index.js';
import { PERSONALIZE_METRICS } from '../shared/personalizeMetrics.js';

/** How a solution version fared: served before the pipeline's first run, deployed, rejected by the gate, or failed later. */
export type VersionOutcome = 'baseline' | 'deployed' | 'rejected' | 'failed';

export interface MetricPoint {
  readonly solutionVersionArn: string;
  /** The run that trained it; null for the baseline. */
  readonly runId: number | null;
  /** When the run that trained it started (the baseline: when it was first compared). Epoch ms. */
  readonly at: number;
  readonly value: number | null;
  readonly outcome: VersionOutcome;
}

export interface RollbackMark {
  readonly runId: number;
  readonly at: number;
  readonly succeeded: boolean;
  readonly toSolutionVersionArn: string | null;
}

export interface MetricSeries {
  readonly metric: string;
  /** The metrics recorded for at least one version, in Personalize's order. */
  readonly metrics: readonly string[];
  /** One point per solution version, oldest first. */
  readonly points: readonly MetricPoint[];
  readonly rollbacks: readonly RollbackMark[];
}

/**
 * One point per solution version a pipeline's runs trained (and the version served before its first
 * run), from the metrics the runs recorded: `runs` newest first, as the store lists them.
 */
export function metricSeries(runs: readonly ExecutionRecord[], metric: string): MetricSeries {
  const points = new Map<string, MetricPoint>();
  const rollbacks: RollbackMark[] = [];
  const recorded = new Set<string>();
  for (const run of [...runs].reverse()) {
    for (const key of Object.keys({ ...run.metrics, ...run.previousMetrics })) recorded.add(key);
    if (run.kind === 'rollback') {
      if (run.status !== 'RUNNING')
        rollbacks.push({
          runId: run.id,
          at: run.endedAt ?? run.startedAt,
          succeeded: run.status === 'SUCCEEDED',
          toSolutionVersionArn: run.solutionVersionArn,
        });
      continue;
    }
    if (run.previousSolutionVersionArn && !points.has(run.previousSolutionVersionArn)) {
      points.set(run.previousSolutionVersionArn, {
        solutionVersionArn: run.previousSolutionVersionArn,
        runId: null,
        at: run.startedAt,
        value: run.previousMetrics?.[metric] ?? null,
        outcome: 'baseline',
      });
    }
    if (!run.solutionVersionArn || run.status === 'RUNNING') continue;
    const earlier = points.get(run.solutionVersionArn);
    points.set(run.solutionVersionArn, {
      solutionVersionArn: run.solutionVersionArn,
      runId: run.id,
      at: earlier?.at ?? run.startedAt,
      value: run.metrics?.[metric] ?? earlier?.value ?? null,
      outcome: run.status === 'SUCCEEDED' ? 'deployed' : run.status === 'REJECTED' ? 'rejected' : 'failed',
    });
  }
  const known: readonly string[] = PERSONALIZE_METRICS;
  return {
    metric,
    metrics: [
      ...known.filter((name) => recorded.has(name)),
      ...[...recorded].filter((name) => !known.includes(name)).sort(),
    ],
    points: [...points.values()],
    rollbacks,
  };
}
