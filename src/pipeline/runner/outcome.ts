import type { ExecutionStatus } from '../executions/types.js';

/**
 * How a definition says "the new model was not deployed because it scored worse". Either form maps
 * to REJECTED, so the definition builder may pick the one that reads best on AWS:
 * - a Fail state with `"Error": "Pipeline.Rejected"` (the AWS execution shows FAILED), or
 * - a successful end whose output object has `"Outcome": "REJECTED"` (the AWS execution shows SUCCEEDED).
 */
export const REJECTION_ERROR = 'Pipeline.Rejected';
export const OUTCOME_FIELD = 'Outcome';
export const REJECTED_OUTCOME = 'REJECTED';
/** A successful end whose output says `"Outcome": "SKIPPED"`: the run found work still in progress and stood down. */
export const SKIPPED_OUTCOME = 'SKIPPED';

/** The interpreter's (or Step Functions') end of an execution, before it is read as a retraining outcome. */
export type TerminalState =
  | { readonly kind: 'succeeded'; readonly output: unknown }
  | { readonly kind: 'failed'; readonly error: string; readonly cause: string | null }
  | { readonly kind: 'aborted'; readonly cause: string };

export interface RunVerdict {
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly error: string | null;
  readonly cause: string | null;
}

export function judge(end: TerminalState): RunVerdict {
  switch (end.kind) {
    case 'succeeded': {
      const output = end.output;
      const outcome =
        typeof output === 'object' && output !== null
          ? (output as Record<string, unknown>)[OUTCOME_FIELD]
          : undefined;
      if (outcome === REJECTED_OUTCOME) {
        return { status: 'REJECTED', error: REJECTION_ERROR, cause: rejectionReason(output as object) };
      }
      if (outcome === SKIPPED_OUTCOME)
        return { status: 'SKIPPED', error: null, cause: rejectionReason(output as object) };
      return { status: 'SUCCEEDED', error: null, cause: null };
    }
    case 'failed':
      return end.error === REJECTION_ERROR
        ? { status: 'REJECTED', error: end.error, cause: end.cause }
        : { status: 'FAILED', error: end.error, cause: end.cause };
    case 'aborted':
      return { status: 'ABORTED', error: 'Runner.Aborted', cause: end.cause };
  }
}

function rejectionReason(output: object): string | null {
  const reason = (output as Record<string, unknown>)['Reason'];
  return typeof reason === 'string' ? reason : null;
}
