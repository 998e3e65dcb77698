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
import { FRESH_COUNTER, POLL_LIMITS } from './pollLimits.js';
import { jobLoop } from './jobLoop.js';
import { dataFingerprintTagParameter } from './unchangedDataStates.js';
import { TRAINING_MODE_PATH } from './trainingModeStates.js';

/**
 * The names this run may give its solution versions, `<RunId>-1` … `<RunId>-<MAX_ATTEMPTS>`, as an
 * intrinsic expression for the Prepare state (`$.Run.VersionNames`): the run id is a hash of the
 * execution name, so a re-run under the same name computes the same list.
 */
export function versionNamesExpression(runIdExpression: string): string {
  const names = Array.from(
    { length: MAX_ATTEMPTS },
    (_, index) => `States.Format('{}-${index + 1}', ${runIdExpression})`,
  );
  return `States.Array(${names.join(', ')})`;
}

/** A Choice condition: the string at `path` is one of this run's solution version names. */
function isOneOfRunVersionNames(path: string) {
  return {
    And: [
      { Variable: path, IsPresent: true },
      {
        Or: Array.from({ length: MAX_ATTEMPTS }, (_, index) => ({
          Variable: path,
          StringEqualsPath: `$.Run.VersionNames[${index}]`,
        })),
      },
    ],
  };
}

/**
 * A run that starts while the solution still trains a version (the previous run, or someone by
 * hand) stands down instead of queueing a second training: it ends SKIPPED and says why. The one
 * exception is a version this very run started before it crashed: a re-run under the same
 * execution name goes on and adopts it.
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
          Next: 'DescribeTrainingInProgress',
        },
      ],
      Default: next,
    },
    DescribeTrainingInProgress: {
      Type: 'Task',
      Resource: personalizeTask('describeSolutionVersion'),
      Parameters: { 'SolutionVersionArn.$': '$.Busy.Versions[0].SolutionVersionArn' },
      ResultSelector: { 'Version.$': '$.SolutionVersion' },
      ResultPath: '$.Busy.Newest',
      Retry: [TRANSIENT_RETRY],
      Catch: [CATCH_ALL_TO_FAILURE],
      Next: 'IsOwnTraining',
    },
    IsOwnTraining: {
      Type: 'Choice',
      Comment: 'A version this execution started before it crashed is adopted, not waited out.',
      Choices: [{ ...isOneOfRunVersionNames('$.Busy.Newest.Version.Name'), Next: next }],
      Default: skip,
    },
  };
}

/**
 * Trains a new solution version named after the run. A re-run of a crashed execution gets
 * ResourceAlreadyExists for that name and adopts the solution's newest version if it carries one
 * of the run's names (a solution trains one version at a time, so the run's own version is the
 * newest).
 */
export function trainingStates(config: PipelineConfig, next: string): Record<string, State> {
  const loop = jobLoop({
    names: {
      create: 'CreateSolutionVersion',
      wait: 'WaitForTraining',
      describe: 'DescribeSolutionVersion',
      decide: 'TrainingStatus',
      count: 'CountTrainingPoll',
      limit: 'TrainingPollLimit',
    },
    create: {
      action: 'createSolutionVersion',
      parameters: {
        SolutionArn: config.solutionArn,
        'TrainingMode.$': TRAINING_MODE_PATH,
        'Name.$': '$.TrainingRun.Name',
        ...dataFingerprintTagParameter(config),
      },
      resultSelector: { 'SolutionVersionArn.$': '$.SolutionVersionArn', Polls: FRESH_COUNTER },
      resultPath: '$.Training',
      catch: [
        {
          ErrorEquals: [PERSONALIZE_ERRORS.alreadyExists],
          ResultPath: '$.TrainingRun.Adopted',
          Next: 'FindRunSolutionVersion',
        },
        CATCH_ALL_TO_FAILURE,
      ],
    },
    describe: {
      action: 'describeSolutionVersion',
      parameters: { 'SolutionVersionArn.$': '$.Training.SolutionVersionArn' },
      resultSelector: { 'Status.$': '$.SolutionVersion.Status', 'Version.$': '$.SolutionVersion' },
      resultPath: '$.TrainingStatus',
      catch: [CATCH_ALL_TO_FAILURE],
    },
    outcomes: [
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
    counterPath: '$.Training.Polls',
    limit: POLL_LIMITS.solutionVersion,
    pollIntervalSeconds: config.pollIntervalSeconds,
    stillRunning: {
      what: 'Solution version {} is still {}',
      args: ['$.Training.SolutionVersionArn', '$.TrainingStatus.Status'],
    },
    onLimit: FAILURE_PATH,
  });
  return {
    NameSolutionVersion: {
      Type: 'Pass',
      Parameters: { Attempt: 1, 'Name.$': "States.Format('{}-1', $.Run.RunId)" },
      ResultPath: '$.TrainingRun',
      Next: 'CreateSolutionVersion',
    },
    ...loop.create,
    FindRunSolutionVersion: {
      Type: 'Task',
      Resource: personalizeTask('listSolutionVersions'),
      Parameters: { SolutionArn: config.solutionArn, MaxResults: 1 },
      ResultSelector: {
        'SolutionVersionArn.$': '$.SolutionVersions[0].SolutionVersionArn',
        Polls: FRESH_COUNTER,
      },
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
      Comment: "The newest version is this run's when it carries one of the run's names (any attempt).",
      Choices: [{ ...isOneOfRunVersionNames('$.Found.Version.Name'), Next: 'WaitForTraining' }],
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
    ...loop.poll,
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
