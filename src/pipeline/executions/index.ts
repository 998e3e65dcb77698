export { EXECUTIONS_FILE, ExecutionStore, openExecutionStore } from './executionStore.js';
export type {
  BeginExecution,
  ClaimResult,
  ExecutionStoreOptions,
  FinishExecution,
  SkippedExecution,
} from './executionStore.js';
export type * from './types.js';
export { EXECUTION_STATUSES, NO_FACTS, ROLLBACK_PREFIX } from './types.js';
