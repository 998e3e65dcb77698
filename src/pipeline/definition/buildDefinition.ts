import type { PipelineConfig } from '../../config/pipelineConfig.js';
import type { State, StateMachineDefinition } from './asl.js';
import { BATCH_INFERENCE_START, batchInferenceStates } from './batchInferenceStates.js';
import { campaignStates } from './campaignStates.js';
import { gateStates } from './gateStates.js';
import { METRIC_PUBLICATION_START, metricPublicationStates } from './metricPublicationStates.js';
import { importDatasetsState, importList } from './importStates.js';
import { SKIP_PATH, SUCCESS_PATH, notificationStates } from './notificationStates.js';
import { runTimeoutSeconds } from './pollLimits.js';
import { MAX_ATTEMPTS } from './taskPolicy.js';
import { UNCHANGED_DATA_START, unchangedDataStates } from './unchangedDataStates.js';
import { TRAINING_MODE_START, trainingModeStates } from './trainingModeStates.js';
import { busyCheckStates, trainingStates, versionNamesExpression } from './trainingStates.js';

export interface DefinitionOptions {
  /**
   * Where notifications go. The CDK stack passes its topic (or a substitution token); without one,
   * the config's NotificationTopicArn, else a local placeholder the local runner turns into a log
   * line and a webhook call.
   */
  readonly notificationTopicArn?: string;
  /** Shown in notification subjects and summaries. @default config.pipelineName */
  readonly pipelineName?: string;
}

/**
 * The run id every created resource is named after: `rt-` and the MD5 of the execution name (35
 * characters of [a-z0-9-]). Execution names may be 80 characters of almost anything, Personalize
 * names 63 of [a-zA-Z0-9_-]; the hash fits any execution name into a valid, stable name.
 */
const RUN_ID = "States.Format('rt-{}', States.Hash($$.Execution.Name, 'MD5'))";

/** The topic ARN for runs that have none: same partition, region and account as the solution. */
export function localTopicArn(config: PipelineConfig): string {
  const [, partition, , region, account] = config.solutionArn.split(':');
  return `arn:${partition}:sns:${region}:${account}:personalize-retrain-local`;
}

/**
 * The one pipeline definition: Amazon States Language (JSONPath) using only Step Functions' AWS SDK
 * integrations (Personalize, SNS, S3 listing, CloudWatch metrics). A pure function of the config; the local runner executes
 * its output and the CDK stack deploys the same JSON.
 */
export function buildDefinition(
  config: PipelineConfig,
  options: DefinitionOptions = {},
): StateMachineDefinition {
  const topicArn = options.notificationTopicArn ?? config.notificationTopicArn ?? localTopicArn(config);
  const pipelineName = options.pipelineName ?? config.pipelineName;
  const canReject = Boolean(config.campaignArn) || config.gate.minimum !== undefined;
  const batch = config.batchInference;
  const afterDeploy = batch ? BATCH_INFERENCE_START : SUCCESS_PATH;
  const afterGate = config.campaignArn ? 'UpdateCampaign' : afterDeploy;
  const states: Record<string, State> = {
    Prepare: {
      Type: 'Pass',
      Comment: 'Names every resource this run creates after the execution, so a re-run finds them.',
      Parameters: {
        'RunId.$': RUN_ID,
        'VersionNames.$': versionNamesExpression(RUN_ID),
        Imports: importList(config),
      },
      ResultPath: '$.Run',
      Next: TRAINING_MODE_START,
    },
    ...trainingModeStates(config, 'CheckTrainingInProgress'),
    ...busyCheckStates(config, config.skipUnchangedData ? UNCHANGED_DATA_START : 'ImportDatasets', SKIP_PATH),
    ...(config.skipUnchangedData
      ? unchangedDataStates(config, 'ImportDatasets', { topicArn, pipelineName })
      : {}),
    ImportDatasets: importDatasetsState(config, 'NameSolutionVersion'),
    ...trainingStates(config, 'GetNewMetrics'),
    ...gateStates(config, afterGate, METRIC_PUBLICATION_START),
    ...metricPublicationStates(config, pipelineName, 'MetricGate'),
    ...(config.campaignArn ? campaignStates(config, config.campaignArn, afterDeploy) : {}),
    ...(batch ? batchInferenceStates(config, batch, SUCCESS_PATH) : {}),
    ...notificationStates(topicArn, pipelineName, {
      rejection: canReject,
      skip: true,
      campaign: Boolean(config.campaignArn),
      batchInference: Boolean(batch),
    }),
  };
  return {
    Comment: `Retrain ${config.solutionArn}${config.campaignArn ? ` and roll it out to ${config.campaignArn}` : ''}.`,
    StartAt: 'Prepare',
    // A backstop only: every wait loop gives up (notified) before this.
    TimeoutSeconds: runTimeoutSeconds(config.pollIntervalSeconds, MAX_ATTEMPTS, Boolean(batch)),
    States: states,
  };
}
