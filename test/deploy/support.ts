import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parsePipelineConfig, type PipelineConfig } from '../../src/config/pipelineConfig.js';
import { RetrainingStack } from '../../src/deploy/retrainingStack.js';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const ARN = {
  importRole: `arn:aws:iam::${ACCOUNT}:role/PersonalizeImport`,
  solution: `arn:aws:personalize:${REGION}:${ACCOUNT}:solution/shop`,
  interactions: `arn:aws:personalize:${REGION}:${ACCOUNT}:dataset/shop/INTERACTIONS`,
  items: `arn:aws:personalize:${REGION}:${ACCOUNT}:dataset/shop/ITEMS`,
  campaign: `arn:aws:personalize:${REGION}:${ACCOUNT}:campaign/shop`,
  topic: `arn:aws:sns:${REGION}:${ACCOUNT}:ml-alerts`,
} as const;

/** A parameters file in the reference format, with the given lines added or overriding. */
export function parameters(overrides: Record<string, string> = {}): string {
  const values: Record<string, string> = {
    ImportRoleArn: ARN.importRole,
    SolutionArn: ARN.solution,
    UserInteractionDatasetArn: ARN.interactions,
    S3UserInteractionDatasourcePath: 's3://shop-data/interactions.csv',
    ItemDatasetArn: ARN.items,
    S3ItemDatasourcePath: 's3://shop-data/items.csv',
    CampaignArn: ARN.campaign,
    ...overrides,
  };
  return `${Object.entries(values)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

export function config(overrides: Record<string, string> = {}): PipelineConfig {
  const result = parsePipelineConfig(parameters(overrides), 'parameters.cfg');
  if (result.issues) throw new Error(result.issues.map((issue) => issue.message).join('\n'));
  return result.config;
}

/** A fresh app and stack for one configuration, and its template. */
export function synthesize(
  pipelineConfig: PipelineConfig,
  stackName = 'personalize-retraining',
): { app: App; stack: RetrainingStack; template: Template } {
  const app = new App();
  const stack = new RetrainingStack(app, { config: pipelineConfig, stackName });
  return { app, stack, template: Template.fromStack(stack) };
}

export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
  readonly Effect: string;
}

/** Every statement of the policies attached to the role whose logical id starts with `rolePrefix`. */
export function roleStatements(template: Template, rolePrefix: string): PolicyStatementJson[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((policy) => {
    const properties = policy['Properties'] as {
      Roles: { Ref: string }[];
      PolicyDocument: { Statement: PolicyStatementJson[] };
    };
    return properties.Roles.some((role) => role.Ref.startsWith(rolePrefix))
      ? properties.PolicyDocument.Statement
      : [];
  });
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
