import type { PipelineConfig } from '../config/pipelineConfig.js';
import { DeploymentConfigError } from './deploymentErrors.js';

/** The AWS account and region a pipeline's stack belongs in. */
export interface PipelineEnvironment {
  readonly account: string;
  readonly region: string;
}

/**
 * The solution's account and region. Step Functions' SDK integrations call Personalize in the state
 * machine's own region, so the stack must be deployed where the solution is; pinning the stack to it
 * also makes `deploy` refuse credentials of another account instead of creating a useless pipeline.
 * Every other Personalize ARN of the config must be in the same place.
 */
export function pipelineEnvironment(config: PipelineConfig): PipelineEnvironment {
  const [, , , region = '', account = ''] = config.solutionArn.split(':');
  const others: [string, string][] = [
    ...config.imports.map((item): [string, string] => [`the ${item.kind} dataset`, item.datasetArn]),
    ...(config.campaignArn ? [['CampaignArn', config.campaignArn] as [string, string]] : []),
  ];
  const misplaced = others.filter(([, arn]) => {
    const [, , , otherRegion, otherAccount] = arn.split(':');
    return otherRegion !== region || otherAccount !== account;
  });
  if (misplaced.length > 0)
    throw new DeploymentConfigError(
      `${config.sourceFile}: ${misplaced.map(([what, arn]) => `${what} (${arn})`).join(', ')} ` +
        `${misplaced.length === 1 ? 'is' : 'are'} not in the solution's account ${account} and region ${region}. ` +
        'Step Functions calls Personalize in its own region, so use ARNs from one account and region.',
    );
  return { account, region };
}
