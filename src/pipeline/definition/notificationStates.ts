import type { State } from './asl.js';
import { FAILURE_PATH, SNS_PUBLISH, TRANSIENT_RETRY } from './taskPolicy.js';
import { REJECTION_PATH } from './gateStates.js';

export const SUCCESS_PATH = 'SummarizeSuccess';
export const SKIP_PATH = 'SummarizeSkip';

/** Publishes the state (the run's summary) to the topic; a failed notification never changes the outcome. */
export function publishNotification(topicArn: string, subject: string, next: string): State {
  return {
    Type: 'Task',
    Resource: SNS_PUBLISH,
    Parameters: { TopicArn: topicArn, Subject: subject, 'Message.$': 'States.JsonToString($)' },
    ResultPath: null,
    Retry: [TRANSIENT_RETRY],
    // A notification that cannot be sent must not change the run's outcome.
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: next }],
    Next: next,
  };
}

/** The summary every notification carries: `Outcome`, pipeline, execution, what `extra` adds, and the state as `Detail`. */
export function runSummary(
  outcome: string,
  pipelineName: string,
  extra: Record<string, unknown>,
  next: string,
): State {
  return {
    Type: 'Pass',
    Parameters: {
      Outcome: outcome,
      Pipeline: pipelineName,
      'ExecutionName.$': '$$.Execution.Name',
      ...extra,
      'Detail.$': '$',
    },
    Next: next,
  };
}

/**
 * Every outcome ends in a notification carrying a JSON summary with an `Outcome` of SUCCEEDED,
 * REJECTED, SKIPPED or FAILED, then in the matching terminal state. A rejection or a skip is a
 * successful execution (nothing broke) whose output says so. Step Functions refuses unreachable
 * states, so the rejection and skip paths exist only where something leads to them.
 */
export function notificationStates(
  topicArn: string,
  pipelineName: string,
  paths: {
    readonly rejection: boolean;
    readonly skip: boolean;
    readonly campaign: boolean;
    /** The success summary says where this run's batch recommendations are. */
    readonly batchInference?: boolean;
  },
): Record<string, State> {
  const subject = (what: string) => `${pipelineName}: retraining ${what}`.slice(0, 100);
  const version = { 'SolutionVersionArn.$': '$.Training.SolutionVersionArn' };
  const rejection: Record<string, State> = {
    [REJECTION_PATH]: runSummary(
      'REJECTED',
      pipelineName,
      { ...version, 'Rule.$': '$.Gate.Rule', 'Reason.$': '$.Gate.Reason' },
      'NotifyRejection',
    ),
    NotifyRejection: publishNotification(
      topicArn,
      subject('rejected by the metric gate'),
      'RetrainingRejected',
    ),
    RetrainingRejected: { Type: 'Succeed' },
  };
  const skip: Record<string, State> = {
    [SKIP_PATH]: runSummary(
      'SKIPPED',
      pipelineName,
      {
        'Reason.$':
          "States.Format('Solution version {} is still training; this run stood down to leave it be.', $.Busy.Versions[0].SolutionVersionArn)",
      },
      'NotifySkip',
    ),
    NotifySkip: publishNotification(
      topicArn,
      subject('skipped: a training is still running'),
      'RetrainingSkipped',
    ),
    RetrainingSkipped: { Type: 'Succeed' },
  };
  return {
    [SUCCESS_PATH]: runSummary(
      'SUCCEEDED',
      pipelineName,
      paths.batchInference
        ? { ...version, 'BatchInferenceOutput.$': '$.BatchInference.OutputPath' }
        : version,
      'NotifySuccess',
    ),
    NotifySuccess: publishNotification(topicArn, subject('succeeded'), 'RetrainingSucceeded'),
    RetrainingSucceeded: { Type: 'Succeed' },
    ...(paths.rejection ? rejection : {}),
    ...(paths.skip ? skip : {}),
    [FAILURE_PATH]: runSummary(
      'FAILED',
      pipelineName,
      { 'Error.$': '$.Error.Error', 'Cause.$': '$.Error.Cause' },
      'NotifyFailure',
    ),
    NotifyFailure: publishNotification(topicArn, subject('failed'), 'RetrainingFailed'),
    RetrainingFailed: { Type: 'Fail', ErrorPath: '$.Error', CausePath: '$.Cause' },
  };
}
