import type { PipelineConfig } from '../../config/pipelineConfig.js';
import type { State } from './asl.js';
import {
  CATCH_ALL_TO_FAILURE,
  FAILURE_PATH,
  MAX_ATTEMPTS,
  PERSONALIZE_ERRORS,
  TRANSIENT_RETRY,
  personalizeTask,
} from './taskPolicy.js';

/**
 * Trains a new solution version named after the run. A re-run of a crashed execution gets
 * ResourceAlreadyExists for that name and adopts the solution's newest version if it carries the
 * name (a solution trains one version at a time, so the run's own version is the newest).
 */
/**
 * A run that starts while the solution still trains a version (the previous run, or someone by
 * hand) stands down instead of queueing a second training: it ends SKIPPED and says why.
 */
export function busyCheckStates(config: PipelineConfig, next: string, skip: string): Record<string, State> {
  const newest = '$.Busy.Versions[0].Status';
  return {
    CheckTrainingInProgress: {
      Type: 'Task',
      Resource: personalizeTask('listSolutionVersions'),
      Parameters: { SolutionArn: config.solutionArn, MaxResults: 1 },
      ResultSelector: { 'Versions.$': '$.SolutionVersions' },
      ResultPath: '$.Busy',
      Retry: [TRANSIENT_RETRY],
      Catch: [CATCH_ALL_TO_FAILURE],
      Next: 'IsTrainingInProgress',
    },
    IsTrainingInProgress: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: newest, IsPresent: true },
            {
              Or: ['CREATE PENDING', 'CREATE IN_PROGRESS', 'CREATE STOPPING'].map((status) => ({
                Variable: newest,
                StringEquals: status,
              })),
            },
          ],
          Next: skip,
        },
      ],
      Default: next,
    },
  };
}

export function trainingStates(config: PipelineConfig, next: string): Record<string, State> {
  return {
    NameSolutionVersion: {
      Type: 'Pass',
      Parameters: { Attempt: 1, 'Name.$': "States.Format('{}-1', $.Run.RunId)" },
      ResultPath: '$.TrainingRun',
      Next: 'CreateSolutionVersion',
    },
    CreateSolutionVersion: {
      Type: 'Task',
      Resource: personalizeTask('createSolutionVersion'),
      Parameters: {
        SolutionArn: config.solutionArn,
        TrainingMode: config.trainingMode,
        'Name.$': '$.TrainingRun.Name',
      },
      ResultPath: '$.Training',
      Retry: [TRANSIENT_RETRY],
      Catch: [
        {
          ErrorEquals: [PERSONALIZE_ERRORS.alreadyExists],
          ResultPath: '$.TrainingRun.Adopted',
          Next: 'FindRunSolutionVersion',
        },
        CATCH_ALL_TO_FAILURE,
      ],
      Next: 'WaitForTraining',
    },
    FindRunSolutionVersion: {
      Type: 'Task',
      Resource: personalizeTask('listSolutionVersions'),
      Parameters: { SolutionArn: config.solutionArn, MaxResults: 1 },
      ResultSelector: { 'SolutionVersionArn.$': '$.SolutionVersions[0].SolutionVersionArn' },
      ResultPath: '$.Training',
      Retry: [TRANSIENT_RETRY],
      Catch: [CATCH_ALL_TO_FAILURE],
      Next: 'DescribeNewestSolutionVersion',
    },
    DescribeNewestSolutionVersion: {
      Type: 'Task',
      Resource: personalizeTask('describeSolutionVersion'),
      Parameters: { 'SolutionVersionArn.$': '$.Training.SolutionVersionArn' },
      ResultSelector: { 'Version.$': '$.SolutionVersion' },
      ResultPath: '$.Found',
      Retry: [TRANSIENT_RETRY],
      Catch: [CATCH_ALL_TO_FAILURE],
      Next: 'IsRunSolutionVersion',
    },
    IsRunSolutionVersion: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.Found.Version.Name', IsPresent: true },
            { Variable: '$.Found.Version.Name', StringEqualsPath: '$.TrainingRun.Name' },
          ],
          Next: 'WaitForTraining',
        },
      ],
      Default: 'RunSolutionVersionLost',
    },
    RunSolutionVersionLost: {
      Type: 'Pass',
      Parameters: {
        Error: 'Pipeline.SolutionVersionNotFound',
        'Cause.$':
          "States.Format('A solution version named {} exists but is not the newest of the solution; look it up with ListSolutionVersions and start a new run.', $.TrainingRun.Name)",
      },
      ResultPath: '$.Error',
      Next: FAILURE_PATH,
    },
    WaitForTraining: { Type: 'Wait', Seconds: config.pollIntervalSeconds, Next: 'DescribeSolutionVersion' },
    DescribeSolutionVersion: {
      Type: 'Task',
      Resource: personalizeTask('describeSolutionVersion'),
      Parameters: { 'SolutionVersionArn.$': '$.Training.SolutionVersionArn' },
      ResultSelector: { 'Status.$': '$.SolutionVersion.Status', 'Version.$': '$.SolutionVersion' },
      ResultPath: '$.TrainingStatus',
      Retry: [TRANSIENT_RETRY],
      Catch: [CATCH_ALL_TO_FAILURE],
      Next: 'TrainingStatus',
    },
    TrainingStatus: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.TrainingStatus.Status', StringEquals: 'ACTIVE', Next: next },
        {
          // An adopted version may have died with the process that trained it ("interrupted"): train afresh.
          And: [
            { Variable: '$.TrainingStatus.Status', StringEquals: 'CREATE FAILED' },
            { Variable: '$.TrainingRun.Adopted', IsPresent: true },
            { Variable: '$.TrainingRun.Attempt', NumericLessThan: MAX_ATTEMPTS },
          ],
          Next: 'NextTrainingAttempt',
        },
        { Variable: '$.TrainingStatus.Status', StringEquals: 'CREATE FAILED', Next: 'TrainingFailed' },
        { Variable: '$.TrainingStatus.Status', StringEquals: 'CREATE STOPPED', Next: 'TrainingStopped' },
      ],
      Default: 'WaitForTraining',
    },
    NextTrainingAttempt: {
      Type: 'Pass',
      Parameters: {
        'Attempt.$': 'States.MathAdd($.TrainingRun.Attempt, 1)',
        'Name.$': "States.Format('{}-{}', $.Run.RunId, States.MathAdd($.TrainingRun.Attempt, 1))",
      },
      ResultPath: '$.TrainingRun',
      Next: 'CreateSolutionVersion',
    },
    TrainingFailed: {
      Type: 'Pass',
      Parameters: {
        Error: 'Pipeline.TrainingFailed',
        'Cause.$':
          "States.Format('Solution version {} failed: {}', $.Training.SolutionVersionArn, $.TrainingStatus.Version.FailureReason)",
      },
      ResultPath: '$.Error',
      Next: FAILURE_PATH,
    },
    TrainingStopped: {
      Type: 'Pass',
      Parameters: {
        Error: 'Pipeline.TrainingStopped',
        'Cause.$':
          "States.Format('Solution version {} was stopped before it finished.', $.Training.SolutionVersionArn)",
      },
      ResultPath: '$.Error',
      Next: FAILURE_PATH,
    },
  };
}
