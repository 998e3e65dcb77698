import type { PipelineConfig } from '../../config/pipelineConfig.js';
import type { StateMachineDefinition } from './asl.js';
import { localTopicArn, type DefinitionOptions } from './buildDefinition.js';
import { campaignStates } from './campaignStates.js';
import { SUCCESS_PATH, notificationStates } from './notificationStates.js';

/**
 * Rolls the campaign back to an earlier solution version, given as `$.Training.SolutionVersionArn`
 * in the input: the pipeline's own rollout and notification states, so a rollback waits on the
 * campaign update and is recorded and notified like any run.
 */
export function buildRollbackDefinition(
  config: PipelineConfig & { readonly campaignArn: string },
  options: DefinitionOptions = {},
): StateMachineDefinition {
  const topicArn = options.notificationTopicArn ?? config.notificationTopicArn ?? localTopicArn(config);
  return {
    Comment: `Roll ${config.campaignArn} back to an earlier solution version.`,
    StartAt: 'UpdateCampaign',
    States: {
      ...campaignStates(config, config.campaignArn, SUCCESS_PATH),
      ...notificationStates(topicArn, options.pipelineName ?? config.pipelineName, {
        rejection: false,
        skip: false,
        campaign: true,
      }),
    },
  };
}
