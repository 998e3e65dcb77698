import type { BatchInference, PipelineConfig } from '../../config/pipelineConfig.js';
import type { State } from './asl.js';
import { jobLoop } from './jobLoop.js';
import { FRESH_COUNTER, POLL_LIMITS } from './pollLimits.js';
import { CATCH_ALL_TO_FAILURE, FAILURE_PATH, MAX_ATTEMPTS, PERSONALIZE_ERRORS } from './taskPolicy.js';

export const BATCH_INFERENCE_START = 'NameBatchInferenceJob';

/** The batch job ARN prefix in the solution's partition, region and account. */
function batchJobArnPrefix(solutionArn: string): string {
  const [arn, partition, service, region, account] = solutionArn.split(':');
  return `${arn}:${partition}:${service}:${region}:${account}:batch-inference-job/`;
}

/**
 * After the new version passed the gate (and, with a campaign, serves), scores the configured input
 * with it and writes the recommendations under `<output path><execution name>/`, so runs never
 * overwrite each other. The job is named after the run id and the attempt, so a re-run of a crashed
 * execution finds its job (ResourceAlreadyExists) and waits for it instead of scoring twice; if that
 * job had died with the crash (CREATE FAILED), the re-run scores again under the next attempt's name.
 */
export function batchInferenceStates(
  config: PipelineConfig,
  batch: BatchInference,
  next: string,
): Record<string, State> {
  const loop = jobLoop({
    names: {
      create: 'CreateBatchInferenceJob',
      wait: 'WaitForBatchInference',
      describe: 'DescribeBatchInferenceJob',
      decide: 'BatchInferenceStatus',
      count: 'CountBatchInferencePoll',
      limit: 'BatchInferencePollLimit',
    },
    create: {
      action: 'createBatchInferenceJob',
      parameters: {
        'JobName.$': '$.BatchInference.JobName',
        'SolutionVersionArn.$': '$.Training.SolutionVersionArn',
        NumResults: batch.numResults,
        ...(batch.filterArn === undefined ? {} : { FilterArn: batch.filterArn }),
        JobInput: { S3DataSource: { Path: batch.inputPath } },
        JobOutput: { S3DataDestination: { 'Path.$': '$.BatchInference.OutputPath' } },
        RoleArn: batch.roleArn,
      },
      resultPath: null,
      catch: [
        // A re-run meets the job its crashed predecessor created: adopt it and wait for it.
        {
          ErrorEquals: [PERSONALIZE_ERRORS.alreadyExists],
          ResultPath: '$.BatchInference.Adopted',
          Next: 'WaitForBatchInference',
        },
        CATCH_ALL_TO_FAILURE,
      ],
    },
    describe: {
      action: 'describeBatchInferenceJob',
      parameters: { 'BatchInferenceJobArn.$': '$.BatchInference.JobArn' },
      resultSelector: { 'Status.$': '$.BatchInferenceJob.Status', 'Job.$': '$.BatchInferenceJob' },
      resultPath: '$.BatchInferenceStatus',
      catch: [CATCH_ALL_TO_FAILURE],
    },
    outcomes: [
      { Variable: '$.BatchInferenceStatus.Status', StringEquals: 'ACTIVE', Next: next },
      {
        // An adopted job may have died with the process that ran it ("interrupted"): score afresh.
        And: [
          { Variable: '$.BatchInferenceStatus.Status', StringEquals: 'CREATE FAILED' },
          { Variable: '$.BatchInference.Adopted', IsPresent: true },
          { Variable: '$.BatchInference.Attempt', NumericLessThan: MAX_ATTEMPTS },
        ],
        Next: 'NextBatchInferenceAttempt',
      },
      {
        Variable: '$.BatchInferenceStatus.Status',
        StringEquals: 'CREATE FAILED',
        Next: 'BatchInferenceFailed',
      },
    ],
    counterPath: '$.BatchInference.Polls',
    limit: POLL_LIMITS.batchInferenceJob,
    pollIntervalSeconds: config.pollIntervalSeconds,
    stillRunning: {
      what: 'Batch inference job {} is still {}',
      args: ['$.BatchInference.JobArn', '$.BatchInferenceStatus.Status'],
    },
    onLimit: FAILURE_PATH,
  });
  const jobArnPrefix = batchJobArnPrefix(config.solutionArn);
  return {
    [BATCH_INFERENCE_START]: {
      Type: 'Pass',
      Comment: 'Each run writes under its own prefix, named after the execution.',
      Parameters: {
        Attempt: 1,
        'JobName.$': "States.Format('{}-batch-1', $.Run.RunId)",
        'JobArn.$': `States.Format('${jobArnPrefix}{}-batch-1', $.Run.RunId)`,
        'OutputPath.$': `States.Format('${batch.outputPath}{}/', $$.Execution.Name)`,
        Polls: FRESH_COUNTER,
      },
      ResultPath: '$.BatchInference',
      Next: 'CreateBatchInferenceJob',
    },
    NextBatchInferenceAttempt: {
      Type: 'Pass',
      Comment: 'A new job name for the next attempt; the output prefix and the poll budget stay.',
      Parameters: {
        'Attempt.$': 'States.MathAdd($.BatchInference.Attempt, 1)',
        'JobName.$': "States.Format('{}-batch-{}', $.Run.RunId, States.MathAdd($.BatchInference.Attempt, 1))",
        'JobArn.$': `States.Format('${jobArnPrefix}{}-batch-{}', $.Run.RunId, States.MathAdd($.BatchInference.Attempt, 1))`,
        'OutputPath.$': '$.BatchInference.OutputPath',
        'Polls.$': '$.BatchInference.Polls',
      },
      ResultPath: '$.BatchInference',
      Next: 'CreateBatchInferenceJob',
    },
    ...loop.create,
    ...loop.poll,
    BatchInferenceFailed: {
      Type: 'Pass',
      Parameters: {
        Error: 'Pipeline.BatchInferenceFailed',
        'Cause.$':
          "States.Format('Batch inference job {} failed: {}', $.BatchInference.JobArn, $.BatchInferenceStatus.Job.FailureReason)",
      },
      ResultPath: '$.Error',
      Next: FAILURE_PATH,
    },
  };
}
