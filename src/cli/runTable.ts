import { existsSync } from 'node:fs';
import { selectPipeline } from '../config/pipelineSelection.js';
import type { ExecutionRecord } from '../pipeline/executions/index.js';
import { DEFAULT_GATE_METRIC } from '../shared/personalizeMetrics.js';
import { loadSelectedPipeline } from './loadConfig.js';
import { formatDuration, formatMetric } from './runProgress.js';

/** The end of a solution version ARN: enough to tell versions apart in a table. */
export function shortVersion(arn: string | null): string {
  return arn === null ? '-' : (arn.split('/').pop() ?? arn);
}

/** Column titles of `historyLine`, for the metric the table shows. */
export function historyHeader(metric: string): string {
  return (
    `${'ID'.padEnd(5)}${'PIPELINE'.padEnd(26)}${'KIND'.padEnd(9)}${'STARTED (UTC)'.padEnd(21)}${'STATUS'.padEnd(11)}` +
    `${'TOOK'.padEnd(10)}${'VERSION'.padEnd(20)}${metricLabel(metric)} (BEFORE → NEW)`
  );
}

/** A metric's short column title: normalized_discounted_cumulative_gain_at_10 → NDCG@10. */
export function metricLabel(metric: string): string {
  const short = metric
    .replace(/^normalized_discounted_cumulative_gain_at_/, 'ndcg@')
    .replace(/^mean_reciprocal_rank_at_/, 'mrr@')
    .replace(/^precision_at_/, 'precision@');
  return short.toUpperCase();
}

/** One run as a table row: a rollback shows the versions it went from and to. */
export function historyLine(run: ExecutionRecord, metric: string): string {
  const took = run.endedAt === null ? '…' : formatDuration(run.endedAt - run.startedAt);
  const version =
    run.kind === 'rollback'
      ? `${shortVersion(run.previousSolutionVersionArn)}→${shortVersion(run.solutionVersionArn)}`
      : shortVersion(run.solutionVersionArn);
  const metrics =
    run.metrics || run.previousMetrics
      ? `${formatMetric(run.previousMetrics?.[metric])} → ${formatMetric(run.metrics?.[metric])}`
      : '';
  const started = new Date(run.startedAt).toISOString().slice(0, 19).replace('T', ' ');
  // UPDATE trainings between FULL retrains are told apart; older records have no mode.
  const kind = run.kind === 'rollback' ? 'rollback' : run.trainingMode === 'UPDATE' ? 'update' : 'retrain';
  return (
    `${String(run.id).padEnd(5)}${run.pipelineName.slice(0, 25).padEnd(26)}${kind.padEnd(9)}${started.padEnd(21)}` +
    `${run.status.padEnd(11)}${took.padEnd(10)}${version.padEnd(20)}${metrics}`
  ).trimEnd();
}

/**
 * The metric a table of runs shows: the pipeline's GateMetric when its parameters file is given
 * (or found as $PARAMS_FILE / parameters.cfg), else the default gate metric.
 */
export function tableMetric(flags: { readonly params?: string; readonly stackName?: string }): string {
  const selection = selectPipeline(flags);
  if (flags.params === undefined && !existsSync(selection.paramsFile)) return DEFAULT_GATE_METRIC;
  return loadSelectedPipeline(flags).config.gate.metric;
}
