import type { PipelineConfig } from '../../config/pipelineConfig.js';
import type { MapState, State } from './asl.js';
import { CATCH_ALL_TO_FAILURE, MAX_ATTEMPTS, PERSONALIZE_ERRORS } from './taskPolicy.js';
import { FRESH_COUNTER, POLL_LIMITS } from './pollLimits.js';
import { jobLoop } from './jobLoop.js';

/** The import job ARN prefix in the dataset's own partition, region and account. */
function importJobArnPrefix(datasetArn: string): string {
  const [arn, partition, service, region, account] = datasetArn.split(':');
  return `${arn}:${partition}:${service}:${region}:${account}:dataset-import-job/`;
}

/** The static list the Map iterates: one entry per configured dataset, known at build time. */
export function importList(config: PipelineConfig): Record<string, string>[] {
  return config.imports.map((item) => ({
    Kind: item.kind,
    DatasetArn: item.datasetArn,
    DataLocation: item.dataLocation,
    JobArnPrefix: importJobArnPrefix(item.datasetArn),
  }));
}

/**
 * Imports every configured dataset in parallel. Job names derive from the run id (a hash of the
 * execution name), so a re-run of a crashed execution meets its own job (ResourceAlreadyExists)
 * and goes on waiting for it instead of importing twice.
 */
export function importDatasetsState(config: PipelineConfig, next: string): MapState {
  const loop = jobLoop({
    names: {
      create: 'CreateImportJob',
      wait: 'WaitForImport',
      describe: 'DescribeImportJob',
      decide: 'ImportStatus',
      count: 'CountImportPoll',
      limit: 'ImportPollLimit',
    },
    create: {
      action: 'createDatasetImportJob',
      parameters: {
        'JobName.$': '$.JobName',
        'DatasetArn.$': '$.Import.DatasetArn',
        DataSource: { 'DataLocation.$': '$.Import.DataLocation' },
        RoleArn: config.importRoleArn,
        ImportMode: config.importMode,
      },
      resultPath: null,
      catch: [
        // A re-run meets the job its crashed predecessor created: adopt it and wait for it.
        { ErrorEquals: [PERSONALIZE_ERRORS.alreadyExists], ResultPath: '$.Adopted', Next: 'WaitForImport' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.Error', Next: 'ImportTaskFailed' },
      ],
    },
    describe: {
      action: 'describeDatasetImportJob',
      parameters: { 'DatasetImportJobArn.$': '$.JobArn' },
      resultSelector: { 'Status.$': '$.DatasetImportJob.Status', 'Job.$': '$.DatasetImportJob' },
      resultPath: '$.Job',
      catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.Error', Next: 'ImportTaskFailed' }],
    },
    outcomes: [
      { Variable: '$.Job.Status', StringEquals: 'ACTIVE', Next: 'ImportDone' },
      {
        // An adopted job may have died with the process that ran it ("interrupted"): try afresh.
        And: [
          { Variable: '$.Job.Status', StringEquals: 'CREATE FAILED' },
          { Variable: '$.Adopted', IsPresent: true },
          { Variable: '$.Attempt', NumericLessThan: MAX_ATTEMPTS },
        ],
        Next: 'NextImportAttempt',
      },
      { Variable: '$.Job.Status', StringEquals: 'CREATE FAILED', Next: 'DescribeImportFailure' },
    ],
    counterPath: '$.Polls',
    limit: POLL_LIMITS.importJob,
    pollIntervalSeconds: config.pollIntervalSeconds,
    stillRunning: {
      what: 'Import job {} of {} is still {}',
      args: ['$.JobArn', '$.Import.DataLocation', '$.Job.Status'],
    },
    onLimit: 'ImportTaskFailed',
  });
  const states: Record<string, State> = {
    NameImportJob: {
      Type: 'Pass',
      Parameters: {
        'Import.$': '$.Import',
        'RunId.$': '$.RunId',
        'Attempt.$': '$.Attempt',
        'Polls.$': '$.Polls',
        'JobName.$': "States.Format('{}-{}-{}', $.RunId, $.Import.Kind, $.Attempt)",
        'JobArn.$': "States.Format('{}{}-{}-{}', $.Import.JobArnPrefix, $.RunId, $.Import.Kind, $.Attempt)",
      },
      Next: 'CreateImportJob',
    },
    ...loop.create,
    ...loop.poll,
    NextImportAttempt: {
      Type: 'Pass',
      Parameters: {
        'Import.$': '$.Import',
        'RunId.$': '$.RunId',
        'Attempt.$': 'States.MathAdd($.Attempt, 1)',
        'Polls.$': '$.Polls',
      },
      Next: 'NameImportJob',
    },
    DescribeImportFailure: {
      Type: 'Pass',
      Parameters: {
        'Cause.$':
          "States.Format('Import job {} of {} failed: {}', $.JobArn, $.Import.DataLocation, $.Job.Job.FailureReason)",
      },
      ResultPath: '$.Failure',
      Next: 'ImportJobFailed',
    },
    ImportJobFailed: { Type: 'Fail', Error: 'Pipeline.ImportFailed', CausePath: '$.Failure.Cause' },
    ImportTaskFailed: { Type: 'Fail', ErrorPath: '$.Error.Error', CausePath: '$.Error.Cause' },
    ImportDone: { Type: 'Succeed' },
  };
  return {
    Type: 'Map',
    Comment: 'Re-import every configured dataset from its datasource path, in parallel.',
    ItemsPath: '$.Run.Imports',
    ItemSelector: {
      'Import.$': '$$.Map.Item.Value',
      'RunId.$': '$.Run.RunId',
      Attempt: 1,
      // Counted across attempts: the whole branch shares one budget of status checks.
      Polls: FRESH_COUNTER,
    },
    MaxConcurrency: 3,
    ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'NameImportJob', States: states },
    ResultPath: null,
    Catch: [CATCH_ALL_TO_FAILURE],
    Next: next,
  };
}
