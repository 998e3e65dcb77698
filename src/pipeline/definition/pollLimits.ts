import type { ChoiceRule, PassState, State } from './asl.js';

/**
 * How many status checks each wait loop makes before it gives up. A Standard Step Functions
 * execution ends in error at 25,000 history events, without reaching any Catch, so without a bound
 * a long training at a short PollInterval would kill the run silently. One poll costs about 11
 * events (Wait, Task, Choice and the counting Pass); with three imports in parallel these limits
 * stay near 21,000 events, leaving room for retries and the fixed states. The time a loop may take
 * is its limit times PollInterval: raise PollInterval for longer work.
 */
export const POLL_LIMITS = {
  importJob: 250,
  solutionVersion: 1000,
  campaignUpdate: 150,
  batchInferenceJob: 200,
} as const;

/** The error a run fails with when a loop runs out of checks. */
export const POLL_LIMIT_ERROR = 'Pipeline.PollLimitExceeded';

/** The counter object a loop keeps at its counter path: `{ "Count": n }`. */
export const FRESH_COUNTER = { Count: 0 } as const;

/** Adds one to the counter at `counterPath` (a `{ Count }` object) and goes on to `next`. */
export function countPoll(counterPath: string, next: string): PassState {
  return {
    Type: 'Pass',
    Parameters: { 'Count.$': `States.MathAdd(${counterPath}.Count, 1)` },
    ResultPath: counterPath,
    Next: next,
  };
}

/**
 * The Choice rule that leaves a loop after its `limit`th status check. The counter counts the
 * checks before this one (it is bumped on the way back to the Wait), hence `limit - 1`.
 */
export function pollLimitReached(counterPath: string, limit: number, next: string): ChoiceRule {
  return { Variable: `${counterPath}.Count`, NumericGreaterThanEquals: limit - 1, Next: next };
}

/**
 * A Pass that records the poll-limit failure at `$.Error` ({ Error, Cause }) and goes on to `next`.
 * `what` is a States.Format template with one `{}` per argument in `args`.
 */
export function pollLimitFailure(
  what: string,
  args: readonly string[],
  limit: number,
  pollIntervalSeconds: number,
  next: string,
): State {
  const hours = ((limit * pollIntervalSeconds) / 3600).toFixed(1);
  return {
    Type: 'Pass',
    Parameters: {
      Error: POLL_LIMIT_ERROR,
      'Cause.$': `States.Format('${what} after ${limit} status checks ${pollIntervalSeconds} s apart (${hours} h). Raise PollInterval if this work takes longer.', ${args.join(', ')})`,
    },
    ResultPath: '$.Error',
    Next: next,
  };
}

/**
 * The longest a run can take: every loop at its limit (each create step up to `attempts` times), plus
 * slack for retries. The batch inference loop counts only where the definition has one.
 */
export function runTimeoutSeconds(
  pollIntervalSeconds: number,
  attempts: number,
  batchInference = false,
): number {
  const polls =
    (POLL_LIMITS.importJob + POLL_LIMITS.solutionVersion) * attempts +
    POLL_LIMITS.campaignUpdate +
    (batchInference ? POLL_LIMITS.batchInferenceJob : 0);
  return polls * pollIntervalSeconds + 6 * 3600;
}
