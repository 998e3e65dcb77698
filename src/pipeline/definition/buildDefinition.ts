import type { PipelineConfig } from '../../config/pipelineConfig.js';
import type { State, StateMachineDefinition } from './asl.js';
import { campaignStates } from './campaignStates.js';
import { gateStates } from './gateStates.js';
import { importDatasetsState, importList } from './importStates.js';
import { SKIP_PATH, SUCCESS_PATH, notificationStates } from './notificationStates.js';
import { busyCheckStates, trainingStates } from './trainingStates.js';

export interface DefinitionOptions {
  /**
   * Where notifications go. The CDK stack passes its topic (or a substitution token); without one,
   * the config's NotificationTopicArn, else a local placeholder the local runner turns into a log
   * line and a webhook call.
   */
  readonly notificationTopicArn?: string;
  /** Shown in notification subjects and summaries. @default personalize-retraining */
  readonly pipelineName?: string;
}

/** A retraining run may wait on imports and training for days, never forever. */
const RUN_TIMEOUT_SECONDS = 3 * 24 * 3600;

/** The topic ARN for runs that have none: same partition, region and account as the solution. */
export function localTopicArn(config: PipelineConfig): string {
  const [, partition, , region, account] = config.solutionArn.split(':');
  return `arn:${partition}:sns:${region}:${account}:personalize-retrain-local`;
}

/**
 * The one pipeline definition: Amazon States Language (JSONPath) using only Step Functions' AWS SDK
 * integrations for Personalize and SNS. A pure function of the config; the local runner executes
 * its output and the CDK stack deploys the same JSON.
 */
export function buildDefinition(
  config: PipelineConfig,
  options: DefinitionOptions = {},
): StateMachineDefinition {
  const topicArn = options.notificationTopicArn ?? config.notificationTopicArn ?? localTopicArn(config);
  const pipelineName = options.pipelineName ?? 'personalize-retraining';
  const canReject = Boolean(config.campaignArn) || config.gate.minimum !== undefined;
  const afterGate = config.campaignArn ? 'UpdateCampaign' : SUCCESS_PATH;
  const states: Record<string, State> = {
    Prepare: {
      Type: 'Pass',
      Comment: 'Names every resource this run creates after the execution, so a re-run finds them.',
      Parameters: {
        'RunId.$': "States.Format('rt-{}', States.Hash($$.Execution.Name, 'MD5'))",
        Imports: importList(config),
      },
      ResultPath: '$.Run',
      Next: 'CheckTrainingInProgress',
    },
    ...busyCheckStates(config, 'ImportDatasets', SKIP_PATH),
    ImportDatasets: importDatasetsState(config, 'NameSolutionVersion'),
    ...trainingStates(config, 'GetNewMetrics'),
    ...gateStates(config, afterGate),
    ...(config.campaignArn ? campaignStates(config, config.campaignArn, SUCCESS_PATH) : {}),
    ...notificationStates(topicArn, pipelineName, config.gate.metric, canReject),
  };
  return {
    Comment: `Retrain ${config.solutionArn}${config.campaignArn ? ` and roll it out to ${config.campaignArn}` : ''}.`,
    StartAt: 'Prepare',
    TimeoutSeconds: RUN_TIMEOUT_SECONDS,
    States: states,
  };
}
