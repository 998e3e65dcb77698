import type { PipelineConfig } from '../../config/pipelineConfig.js';
import type { State } from './asl.js';
import { FRESH_COUNTER, POLL_LIMITS, countPoll, pollLimitFailure, pollLimitReached } from './pollLimits.js';
import { CATCH_ALL_TO_FAILURE, FAILURE_PATH, TRANSIENT_RETRY, personalizeTask } from './taskPolicy.js';

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
  return {
    UpdateCampaign: {
      Type: 'Task',
      Resource: personalizeTask('updateCampaign'),
      Parameters: { CampaignArn: campaignArn, 'SolutionVersionArn.$': '$.Training.SolutionVersionArn' },
      // The result is not needed; the slot starts the wait loop's counter.
      ResultSelector: FRESH_COUNTER,
      ResultPath: '$.CampaignPolls',
      Retry: [TRANSIENT_RETRY],
      Catch: [CATCH_ALL_TO_FAILURE],
      Next: 'WaitForCampaignUpdate',
    },
    WaitForCampaignUpdate: {
      Type: 'Wait',
      Seconds: config.pollIntervalSeconds,
      Next: 'DescribeCampaignUpdate',
    },
    DescribeCampaignUpdate: {
      Type: 'Task',
      Resource: personalizeTask('describeCampaign'),
      Parameters: { CampaignArn: campaignArn },
      ResultSelector: { 'Update.$': '$.Campaign.LatestCampaignUpdate' },
      ResultPath: '$.CampaignUpdate',
      Retry: [TRANSIENT_RETRY],
      Catch: [CATCH_ALL_TO_FAILURE],
      Next: 'CampaignUpdateStatus',
    },
    CampaignUpdateStatus: {
      Type: 'Choice',
      Choices: [
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
        pollLimitReached('$.CampaignPolls', POLL_LIMITS.campaignUpdate, 'CampaignPollLimit'),
      ],
      Default: 'CountCampaignPoll',
    },
    CountCampaignPoll: countPoll('$.CampaignPolls', 'WaitForCampaignUpdate'),
    CampaignPollLimit: pollLimitFailure(
      `The update of ${campaignArn} to {} is still {}`,
      ['$.Training.SolutionVersionArn', '$.CampaignUpdate.Update.Status'],
      POLL_LIMITS.campaignUpdate,
      config.pollIntervalSeconds,
      FAILURE_PATH,
    ),
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
