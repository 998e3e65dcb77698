export { runPipeline } from './retrainingRun.js';
export type {
  AwsTarget,
  EndpointTarget,
  RetrainingRunOptions,
  RetrainingRunOutcome,
  RunEvent,
  RunTarget,
} from './retrainingRun.js';
export { createLocalNotifier } from './notifier.js';
export type { LocalNotifierOptions, Notification, NotificationReceipt, Notifier } from './notifier.js';
export { OUTCOME_FIELD, REJECTED_OUTCOME, REJECTION_ERROR, SKIPPED_OUTCOME } from './outcome.js';
export { UnsupportedDefinitionError, resolveTasks } from './definitionCheck.js';
export { newExecutionName } from './executionName.js';
