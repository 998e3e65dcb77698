import type { BatchInference, PipelineConfig } from '../../config/pipelineConfig.js';
import type { State } from './asl.js';
import { jobLoop } from './jobLoop.js';
import { FRESH_COUNTER, POLL_LIMITS } from './pollLimits.js';
import { CATCH_ALL_TO_FAILURE, FAILURE_PATH, PERSONALIZE_ERRORS } from './taskPolicy.js';

export const BATCH_INFERENCE_START = 'NameBatchInferenceJob';

/** The batch job ARN prefix in the solution's partition, region and account. */
function batchJobArnPrefix(solutionArn: string): string {
  const [arn, partition, service, region, account] = solutionArn.split(':');
  return `${arn}:${partition}:${service}:${region}:${account}:batch-inference-job/`;
}

/**
 * After the new version passed the gate (and, with a campaign, serves), scores the configured input
 * with it and writes the recommendations under `<output path><execution name>/`, so runs never
 * overwrite each other. The job is named after the run id, so a re-run of a crashed execution finds
 * its job (ResourceAlreadyExists) and waits for it instead of scoring twice.
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
  return {
    [BATCH_INFERENCE_START]: {
      Type: 'Pass',
      Comment: 'Each run writes under its own prefix, named after the execution.',
      Parameters: {
        'JobName.$': "States.Format('{}-batch', $.Run.RunId)",
        'JobArn.$': `States.Format('${batchJobArnPrefix(config.solutionArn)}{}-batch', $.Run.RunId)`,
        'OutputPath.$': `States.Format('${batch.outputPath}{}/', $$.Execution.Name)`,
        Polls: FRESH_COUNTER,
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
