import type { ExecutionRecord } from '../pipeline/executions/index.js';

/** Rollbacks are recorded as runs whose execution name starts with this. */
export const ROLLBACK_PREFIX = 'rollback-';

/** A retraining run trains and maybe deploys a version; a rollback only moves the campaign back. */
export type RunKind = 'retraining' | 'rollback';

export function runKind(run: Pick<ExecutionRecord, 'executionName'>): RunKind {
  return run.executionName.startsWith(ROLLBACK_PREFIX) ? 'rollback' : 'retraining';
}
