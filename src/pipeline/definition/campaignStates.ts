import type { PipelineConfig } from '../../config/pipelineConfig.js';
import type { State } from './asl.js';
import { FRESH_COUNTER, POLL_LIMITS } from './pollLimits.js';
import { jobLoop } from './jobLoop.js';
import { CATCH_ALL_TO_FAILURE, FAILURE_PATH } from './taskPolicy.js';

/**
 * Rolls the new version out to the campaign and waits for the update itself: the campaign's own
 * Status stays ACTIVE throughout an update, so only LatestCampaignUpdate tells when the new version
 * serves.
 */
export function campaignStates(
  config: PipelineConfig,
  campaignArn: string,
  next: string,
): Record<string, State> {
  const loop = jobLoop({
    names: {
      create: 'UpdateCampaign',
      wait: 'WaitForCampaignUpdate',
      describe: 'DescribeCampaignUpdate',
      decide: 'CampaignUpdateStatus',
      count: 'CountCampaignPoll',
      limit: 'CampaignPollLimit',
    },
    create: {
      action: 'updateCampaign',
      parameters: { CampaignArn: campaignArn, 'SolutionVersionArn.$': '$.Training.SolutionVersionArn' },
      // The result is not needed; the slot starts the wait loop's counter.
      resultSelector: FRESH_COUNTER,
      resultPath: '$.CampaignPolls',
      catch: [CATCH_ALL_TO_FAILURE],
    },
    describe: {
      action: 'describeCampaign',
      parameters: { CampaignArn: campaignArn },
      resultSelector: { 'Update.$': '$.Campaign.LatestCampaignUpdate' },
      resultPath: '$.CampaignUpdate',
      catch: [CATCH_ALL_TO_FAILURE],
    },
    outcomes: [
      {
        And: [
          { Variable: '$.CampaignUpdate.Update.Status', StringEquals: 'ACTIVE' },
          {
            Variable: '$.CampaignUpdate.Update.SolutionVersionArn',
            StringEqualsPath: '$.Training.SolutionVersionArn',
          },
        ],
        Next: next,
      },
      {
        Variable: '$.CampaignUpdate.Update.Status',
        StringEquals: 'CREATE FAILED',
        Next: 'CampaignUpdateFailed',
      },
    ],
    counterPath: '$.CampaignPolls',
    limit: POLL_LIMITS.campaignUpdate,
    pollIntervalSeconds: config.pollIntervalSeconds,
    stillRunning: {
      what: `The update of ${campaignArn} to {} is still {}`,
      args: ['$.Training.SolutionVersionArn', '$.CampaignUpdate.Update.Status'],
    },
    onLimit: FAILURE_PATH,
  });
  return {
    ...loop.create,
    ...loop.poll,
    CampaignUpdateFailed: {
      Type: 'Pass',
      Parameters: {
        Error: 'Pipeline.CampaignUpdateFailed',
        'Cause.$': `States.Format('Updating campaign ${campaignArn} to {} failed: {}', $.Training.SolutionVersionArn, $.CampaignUpdate.Update.FailureReason)`,
      },
      ResultPath: '$.Error',
      Next: FAILURE_PATH,
    },
  };
}
