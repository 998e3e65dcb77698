import type { CatchRule, ChoiceRule, State, TaskState } from './asl.js';
import { countPoll, pollLimitFailure, pollLimitReached } from './pollLimits.js';
import { TRANSIENT_RETRY, personalizeTask } from './taskPolicy.js';

/** The names of a job loop's states, as they appear in the definition and its execution history. */
export interface JobLoopNames {
  readonly create: string;
  readonly wait: string;
  readonly describe: string;
  readonly decide: string;
  readonly count: string;
  readonly limit: string;
}

/** One Personalize call of the loop: the action and what is done with its answer. */
export interface JobLoopCall {
  readonly action: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly resultSelector?: Readonly<Record<string, unknown>>;
  readonly resultPath: string | null;
  readonly catch: readonly CatchRule[];
}

export interface JobLoopSpec {
  readonly names: JobLoopNames;
  /** Starts the work; on success the loop waits. Retried on transient errors like every Task. */
  readonly create: JobLoopCall;
  /** Reads the work's status after each wait. */
  readonly describe: JobLoopCall;
  /** The rules for statuses that end the loop, checked before the poll limit; any other status polls again. */
  readonly outcomes: readonly ChoiceRule[];
  /** Where the `{ Count }` counter lives; the caller starts it (FRESH_COUNTER) where it fits. */
  readonly counterPath: string;
  /** Status checks before the loop gives up (POLL_LIMITS). */
  readonly limit: number;
  readonly pollIntervalSeconds: number;
  /** The poll-limit cause: a States.Format template naming what still runs, and its arguments. */
  readonly stillRunning: { readonly what: string; readonly args: readonly string[] };
  /** Where a run that ran out of status checks goes, with the failure at `$.Error`. */
  readonly onLimit: string;
}

/** The parts of a job loop: the create Task, and the wait → describe → decide → count → limit states. */
export interface JobLoop {
  readonly create: Record<string, TaskState>;
  readonly poll: Record<string, State>;
}

function task(call: JobLoopCall, next: string): TaskState {
  return {
    Type: 'Task',
    Resource: personalizeTask(call.action),
    Parameters: call.parameters,
    ...(call.resultSelector ? { ResultSelector: call.resultSelector } : {}),
    ResultPath: call.resultPath,
    Retry: [TRANSIENT_RETRY],
    Catch: call.catch,
    Next: next,
  };
}

/**
 * The one shape of every long Personalize job the pipeline waits for (import jobs, solution
 * versions, campaign updates, batch inference jobs): create, then wait PollInterval, describe,
 * decide on the status, and count the check, giving up after a bounded number of checks so that a
 * run never meets Step Functions' history limit without a notification. The create state is
 * returned apart so that callers can place states of their own (adopting a re-run's resource)
 * between it and the loop.
 */
export function jobLoop(spec: JobLoopSpec): JobLoop {
  const { names } = spec;
  return {
    create: { [names.create]: task(spec.create, names.wait) },
    poll: {
      [names.wait]: { Type: 'Wait', Seconds: spec.pollIntervalSeconds, Next: names.describe },
      [names.describe]: task(spec.describe, names.decide),
      [names.decide]: {
        Type: 'Choice',
        Choices: [...spec.outcomes, pollLimitReached(spec.counterPath, spec.limit, names.limit)],
        Default: names.count,
      },
      [names.count]: countPoll(spec.counterPath, names.wait),
      [names.limit]: pollLimitFailure(
        spec.stillRunning.what,
        spec.stillRunning.args,
        spec.limit,
        spec.pollIntervalSeconds,
        spec.onLimit,
      ),
    },
  };
}
