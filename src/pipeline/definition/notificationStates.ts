import type { State } from './asl.js';
import { FAILURE_PATH, SNS_PUBLISH, TRANSIENT_RETRY } from './taskPolicy.js';
import { REJECTION_PATH } from './gateStates.js';

export const SUCCESS_PATH = 'SummarizeSuccess';
export const SKIP_PATH = 'SummarizeSkip';

function publish(topicArn: string, subject: string, next: string): State {
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

function summary(outcome: string, pipelineName: string, extra: Record<string, unknown>, next: string): State {
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
  paths: { readonly rejection: boolean; readonly skip: boolean; readonly campaign: boolean },
): Record<string, State> {
  const subject = (what: string) => `${pipelineName}: retraining ${what}`.slice(0, 100);
  const version = { 'SolutionVersionArn.$': '$.Training.SolutionVersionArn' };
  const rejection: Record<string, State> = {
    [REJECTION_PATH]: summary(
      'REJECTED',
      pipelineName,
      { ...version, 'Rule.$': '$.Gate.Rule', 'Reason.$': '$.Gate.Reason' },
      'NotifyRejection',
    ),
    NotifyRejection: publish(topicArn, subject('rejected by the metric gate'), 'RetrainingRejected'),
    RetrainingRejected: { Type: 'Succeed' },
  };
  const skip: Record<string, State> = {
    [SKIP_PATH]: summary(
      'SKIPPED',
      pipelineName,
      {
        'Reason.$':
          "States.Format('Solution version {} is still training; this run stood down to leave it be.', $.Busy.Versions[0].SolutionVersionArn)",
      },
      'NotifySkip',
    ),
    NotifySkip: publish(topicArn, subject('skipped: a training is still running'), 'RetrainingSkipped'),
    RetrainingSkipped: { Type: 'Succeed' },
  };
  return {
    [SUCCESS_PATH]: summary('SUCCEEDED', pipelineName, version, 'NotifySuccess'),
    NotifySuccess: publish(topicArn, subject('succeeded'), 'RetrainingSucceeded'),
    RetrainingSucceeded: { Type: 'Succeed' },
    ...(paths.rejection ? rejection : {}),
    ...(paths.skip ? skip : {}),
    [FAILURE_PATH]: summary(
      'FAILED',
      pipelineName,
      { 'Error.$': '$.Error.Error', 'Cause.$': '$.Error.Cause' },
      'NotifyFailure',
    ),
    NotifyFailure: publish(topicArn, subject('failed'), 'RetrainingFailed'),
    RetrainingFailed: { Type: 'Fail', ErrorPath: '$.Error', CausePath: '$.Cause' },
  };
}
