import { nextFireTimes, type Schedule } from '../config/schedule.js';
import type { ExecutionRecord } from '../pipeline/executions/index.js';

/** Whether a pipeline needs a person's attention, and why. */
export type PipelineAlarm =
  | { readonly state: 'ok' }
  | { readonly state: 'never-run' }
  | { readonly state: 'failed'; readonly reason: string }
  | { readonly state: 'stale'; readonly reason: string };

/**
 * The time between two fires of a schedule: a rate's interval, or for a cron expression the gap
 * between its next two fire times after `now` (cron gaps vary; the next one is what a person expects).
 */
export function schedulePeriodMs(schedule: Schedule, now: Date): number | null {
  if (schedule.kind === 'rate') return schedule.everySeconds * 1000;
  const [first, second] = nextFireTimes(schedule, now, 2);
  return first && second ? second.getTime() - first.getTime() : null;
}

/**
 * Stale when the last success is older than twice the retraining period (one missed fire is
 * tolerated: a run may be skipped while a training still runs); failed when the latest finished
 * retraining failed. Skipped runs and runs in progress do not change the alarm.
 */
export function pipelineAlarm(
  runs: readonly ExecutionRecord[],
  periodMs: number | null,
  now: number,
): PipelineAlarm {
  const finished = runs.filter((run) => run.status !== 'RUNNING' && run.status !== 'SKIPPED');
  if (finished.length === 0) return { state: 'never-run' };
  const latest = finished[0];
  if (latest && (latest.status === 'FAILED' || latest.status === 'ABORTED')) {
    return {
      state: 'failed',
      reason: `the latest run ${latest.executionName} ${latest.status === 'FAILED' ? 'failed' : 'was aborted'}${latest.error ? `: ${latest.error}` : ''}`,
    };
  }
  const lastSuccess = finished.find((run) => run.status === 'SUCCEEDED' || run.status === 'REJECTED');
  const lastAt = lastSuccess ? (lastSuccess.endedAt ?? lastSuccess.startedAt) : undefined;
  if (periodMs !== null && (lastAt === undefined || now - lastAt > 2 * periodMs)) {
    return {
      state: 'stale',
      reason:
        lastAt === undefined
          ? 'no run has succeeded yet'
          : `the last successful run ended ${new Date(lastAt).toISOString()}, more than twice the retraining period ago`,
    };
  }
  return { state: 'ok' };
}
