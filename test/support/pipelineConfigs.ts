import { parsePipelineConfig, type PipelineConfig } from '../../src/config/pipelineConfig.js';

const ACCOUNT = 'arn:aws:personalize:eu-west-1:123456789012';

/** Parameter lines of a complete pipeline: three datasets and a campaign. */
export const FULL_PARAMETERS: Readonly<Record<string, string>> = {
  ImportRoleArn: 'arn:aws:iam::123456789012:role/PersonalizeImport',
  SolutionArn: `${ACCOUNT}:solution/shop-recs`,
  UserDatasetArn: `${ACCOUNT}:dataset/shop/USERS`,
  S3UserDatasourcePath: 's3://shop-exports/users.csv',
  ItemDatasetArn: `${ACCOUNT}:dataset/shop/ITEMS`,
  S3ItemDatasourcePath: 's3://shop-exports/items.csv',
  UserInteractionDatasetArn: `${ACCOUNT}:dataset/shop/INTERACTIONS`,
  S3UserInteractionDatasourcePath: 's3://shop-exports/interactions/',
  CampaignArn: `${ACCOUNT}:campaign/shop-front`,
  PollInterval: '30',
};

export function parametersText(values: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

/** A parsed config from the full parameters with some keys changed (undefined removes a key). */
export function configWith(changes: Readonly<Record<string, string | undefined>> = {}): PipelineConfig {
  const parsed = parsePipelineConfig(parametersText({ ...FULL_PARAMETERS, ...changes }), 'parameters.cfg');
  if (parsed.issues) throw new Error(`fixture config is invalid: ${JSON.stringify(parsed.issues)}`);
  return parsed.config;
}
