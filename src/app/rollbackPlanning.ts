import type { ExecutionRecord } from '../pipeline/executions/index.js';
import { InvalidInputError } from '../shared/errors.js';
import type { RollbackPlan } from './types.js';

/**
 * The version a rollback puts back: the one asked for, else the one the campaign served before the
 * latest run that deployed a new version. Rollbacks themselves are passed over, so a second rollback
 * does not undo the first one.
 */
export function planRollback(input: {
  readonly pipelineName: string;
  readonly campaignArn: string;
  readonly servedNow: string | null;
  readonly history: readonly ExecutionRecord[];
  readonly to?: string;
}): RollbackPlan {
  const base = { pipelineName: input.pipelineName, campaignArn: input.campaignArn, from: input.servedNow };
  if (input.to) return { ...base, to: input.to, chosenBy: 'requested', undoesRunId: null };
  const deployed = input.history.find(
    (run) =>
      run.kind === 'retraining' &&
      run.status === 'SUCCEEDED' &&
      run.previousSolutionVersionArn !== null &&
      run.solutionVersionArn !== run.previousSolutionVersionArn,
  );
  if (!deployed?.previousSolutionVersionArn) {
    throw new InvalidInputError(
      `no earlier deployment of ${input.pipelineName} is recorded in this state dir; pass --to <solutionVersionArn>.`,
    );
  }
  return { ...base, to: deployed.previousSolutionVersionArn, chosenBy: 'previous', undoesRunId: deployed.id };
}
