import type { TrainingMode } from '../../config/trainingModes.js';

/** How a retraining run ended, or that it is still under way. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'REJECTED' | 'SKIPPED' | 'ABORTED';

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'REJECTED',
  'SKIPPED',
  'ABORTED',
];

/** Where the definition ran: in this process against an endpoint, or on AWS Step Functions. */
export type ExecutionTarget = 'local' | 'aws';

export type SolutionMetrics = Readonly<Record<string, number>>;

/** A retraining run trains and maybe deploys; a rollback puts an earlier version back on the campaign. */
export type RunKind = 'retraining' | 'rollback';

/** Rollbacks run under execution names with this prefix, so their Personalize calls and records stand out. */
export const ROLLBACK_PREFIX = 'rollback-';

/** One retraining run as stored. Times are epoch milliseconds. */
export interface ExecutionRecord {
  readonly id: number;
  readonly pipelineName: string;
  readonly executionName: string;
  readonly kind: RunKind;
  readonly target: ExecutionTarget;
  /** The Step Functions execution ARN (AWS target) or the local equivalent. */
  readonly executionArn: string | null;
  readonly status: ExecutionStatus;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly ownerPid: number | null;
  readonly ownerHost: string | null;
  /** The ABORTED execution this one resumed under the same execution name. */
  readonly resumedFrom: number | null;
  /** The version the run trained; for a rollback, the version it put back (to). */
  readonly solutionVersionArn: string | null;
  readonly metrics: SolutionMetrics | null;
  /** The version the campaign served when the run compared or deployed; for a rollback, the one it replaced (from). */
  readonly previousSolutionVersionArn: string | null;
  readonly previousMetrics: SolutionMetrics | null;
  readonly error: string | null;
  readonly cause: string | null;
  readonly output: unknown;
  /** The training a retraining run asked for (FULL or UPDATE); null for rollbacks and runs recorded before 0.2. */
  readonly trainingMode: TrainingMode | null;
}

/** How one visit of a state ended. `CAUGHT`: it failed and a `Catch` moved on. */
export type StateVisitOutcome = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CAUGHT';

/** One entry into a state and its exit. A polling loop visits the same state many times. */
export interface StateVisit {
  readonly seq: number;
  readonly stateName: string;
  readonly stateType: string;
  /** The Map iteration the visit belongs to, when it ran inside one. */
  readonly iteration: number | null;
  readonly enteredAt: number;
  readonly exitedAt: number | null;
  readonly durationMs: number | null;
  readonly outcome: StateVisitOutcome;
  readonly retries: number;
  readonly error: string | null;
  readonly cause: string | null;
}

/** What the run learnt about the model it trained, gathered from the Personalize calls it made. */
export interface ExecutionFacts {
  readonly solutionVersionArn: string | null;
  readonly metrics: SolutionMetrics | null;
  readonly previousSolutionVersionArn: string | null;
  readonly previousMetrics: SolutionMetrics | null;
}

export const NO_FACTS: ExecutionFacts = {
  solutionVersionArn: null,
  metrics: null,
  previousSolutionVersionArn: null,
  previousMetrics: null,
};
