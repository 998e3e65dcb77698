import {
  CreateCampaignCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeCampaignCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionVersionCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  generateShop,
  interactionsCsv,
  type ShopOptions,
  type SyntheticShop,
} from '../../src/demo/syntheticShop.js';
import { waitFor } from './wait.js';

export const INTERACTIONS_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Interactions',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
    { name: 'EVENT_TYPE', type: 'string' },
  ],
  version: '1.0',
});

export const RECIPE = {
  userPersonalization: 'arn:aws:personalize:::recipe/aws-user-personalization',
  popularity: 'arn:aws:personalize:::recipe/aws-popularity-count',
  similarItems: 'arn:aws:personalize:::recipe/aws-similar-items',
  ranking: 'arn:aws:personalize:::recipe/aws-personalized-ranking',
} as const;

export interface ImportedShop {
  readonly shop: SyntheticShop;
  readonly datasetGroupArn: string;
  readonly interactionsDatasetArn: string;
}

const SMALL_SHOP: ShopOptions = { users: 120, items: 200, weeks: 4, seed: 3 };

/** Writes a synthetic shop's interactions under the data root and imports them into a new dataset group. */
export async function importShop(
  personalize: PersonalizeClient,
  dataRoot: string,
  name = 'shop',
  options: ShopOptions = SMALL_SHOP,
): Promise<ImportedShop> {
  const shop = generateShop(options);
  mkdirSync(join(dataRoot, 'shop-bucket'), { recursive: true });
  writeFileSync(
    join(dataRoot, 'shop-bucket', `${name}-interactions.csv`),
    interactionsCsv(shop.interactions),
  );
  const { datasetGroupArn = '' } = await personalize.send(new CreateDatasetGroupCommand({ name }));
  const { schemaArn } = await personalize.send(
    new CreateSchemaCommand({ name: `${name}-interactions`, schema: INTERACTIONS_SCHEMA }),
  );
  const { datasetArn = '' } = await personalize.send(
    new CreateDatasetCommand({
      name: `${name}-interactions`,
      datasetGroupArn,
      schemaArn,
      datasetType: 'Interactions',
    }),
  );
  const { datasetImportJobArn } = await personalize.send(
    new CreateDatasetImportJobCommand({
      jobName: `${name}-import-1`,
      datasetArn,
      dataSource: { dataLocation: `s3://shop-bucket/${name}-interactions.csv` },
      roleArn: 'arn:aws:iam::000000000000:role/PersonalizeImport',
    }),
  );
  const job = await waitFor(
    () => personalize.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
    (r) => r.datasetImportJob?.status === 'ACTIVE' || r.datasetImportJob?.status === 'CREATE FAILED',
  );
  if (job.datasetImportJob?.status !== 'ACTIVE') {
    throw new Error(`shop import failed: ${job.datasetImportJob?.failureReason ?? 'unknown'}`);
  }
  return { shop, datasetGroupArn, interactionsDatasetArn: datasetArn };
}

export async function createSolution(
  personalize: PersonalizeClient,
  datasetGroupArn: string,
  name: string,
  recipeArn: string = RECIPE.userPersonalization,
  algorithmHyperParameters: Record<string, string> = { hidden_dimension: '16', epochs: '6' },
): Promise<string> {
  const { solutionArn = '' } = await personalize.send(
    new CreateSolutionCommand({
      name,
      datasetGroupArn,
      recipeArn,
      performAutoTraining: false,
      solutionConfig: { algorithmHyperParameters },
    }),
  );
  return solutionArn;
}

/** Trains a version and waits for it to leave the in-progress statuses; returns its final description. */
export async function trainVersion(
  personalize: PersonalizeClient,
  solutionArn: string,
  trainingMode: 'FULL' | 'UPDATE' = 'FULL',
) {
  const { solutionVersionArn = '' } = await personalize.send(
    new CreateSolutionVersionCommand({ solutionArn, trainingMode }),
  );
  const described = await waitFor(
    () => personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
    (r) =>
      !['CREATE PENDING', 'CREATE IN_PROGRESS', 'CREATE STOPPING'].includes(r.solutionVersion?.status ?? ''),
    { timeoutMs: 60_000 },
  );
  return { solutionVersionArn, version: described.solutionVersion };
}

/** A campaign without exploration (stable answers), waited for until ACTIVE. */
export async function activeCampaign(
  personalize: PersonalizeClient,
  name: string,
  solutionVersionArn: string,
): Promise<string> {
  const { campaignArn = '' } = await personalize.send(
    new CreateCampaignCommand({
      name,
      solutionVersionArn,
      campaignConfig: { itemExplorationConfig: { explorationWeight: '0' } },
    }),
  );
  await waitFor(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn })),
    (r) => r.campaign?.status === 'ACTIVE',
  );
  return campaignArn;
}

/** Trains a solution of `recipe` and deploys it to an ACTIVE campaign. */
export async function deployCampaign(
  personalize: PersonalizeClient,
  datasetGroupArn: string,
  name: string,
  recipe: string,
): Promise<string> {
  const solutionArn = await createSolution(personalize, datasetGroupArn, name, recipe);
  const { solutionVersionArn } = await trainVersion(personalize, solutionArn);
  return activeCampaign(personalize, name, solutionVersionArn);
}
