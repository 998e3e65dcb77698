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
  ListCampaignsCommand,
  ListDatasetGroupsCommand,
  ListDatasetsCommand,
  ListSolutionsCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { interactionsCsv, itemsCsv, usersCsv, type SyntheticShop } from './syntheticShop.js';

/** The bucket (a folder under the engine's data root) the demo's CSV exports live in. */
export const DEMO_BUCKET = 'demo-shop';
export const DEMO_NAME = 'demo-shop';
export const DEMO_ROLE_ARN = 'arn:aws:iam::000000000000:role/PersonalizeDemoImport';

const SCHEMAS = {
  interactions: {
    fields: [
      { name: 'USER_ID', type: 'string' },
      { name: 'ITEM_ID', type: 'string' },
      { name: 'TIMESTAMP', type: 'long' },
      { name: 'EVENT_TYPE', type: 'string' },
    ],
  },
  items: {
    fields: [
      { name: 'ITEM_ID', type: 'string' },
      { name: 'GENRE', type: 'string', categorical: true },
      { name: 'CREATION_TIMESTAMP', type: 'long' },
    ],
  },
  users: {
    fields: [
      { name: 'USER_ID', type: 'string' },
      { name: 'SEGMENT', type: 'string', categorical: true },
    ],
  },
} as const;

type DatasetKind = keyof typeof SCHEMAS;
const DATASET_TYPES: Record<DatasetKind, string> = {
  interactions: 'Interactions',
  items: 'Items',
  users: 'Users',
};

export interface DemoResources {
  readonly datasetGroupArn: string;
  readonly datasets: Record<DatasetKind, string>;
  readonly dataPaths: Record<DatasetKind, string>;
  readonly solutionArn: string;
  readonly campaignArn: string;
  /** True when this call created them; false when an earlier demo had. */
  readonly created: boolean;
}

/** Writes the shop's data as the CSV exports a real shop would drop in S3 (here: the data root). */
export function writeShopExport(
  dataRoot: string,
  shop: SyntheticShop,
  until: number,
): Record<DatasetKind, string> {
  const folder = join(dataRoot, DEMO_BUCKET);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'interactions.csv'),
    interactionsCsv(shop.interactions.filter((i) => i.timestamp < until)),
  );
  writeFileSync(join(folder, 'items.csv'), itemsCsv(shop.items.filter((item) => item.createdAt < until)));
  writeFileSync(join(folder, 'users.csv'), usersCsv(shop.users));
  return {
    interactions: `s3://${DEMO_BUCKET}/interactions.csv`,
    items: `s3://${DEMO_BUCKET}/items.csv`,
    users: `s3://${DEMO_BUCKET}/users.csv`,
  };
}

/**
 * Creates what a team has before it automates retraining: a dataset group with three datasets and
 * their first import, a user-personalization solution with one trained version, and a campaign
 * serving it. An earlier demo's resources are reused as they are.
 */
export async function ensureDemoResources(
  personalize: PersonalizeClient,
  dataPaths: Record<DatasetKind, string>,
  onStep: (message: string) => void = () => undefined,
): Promise<DemoResources> {
  const existing = await findDemoResources(personalize, dataPaths);
  if (existing) return existing;

  onStep('creating the dataset group, schemas and datasets');
  const { datasetGroupArn = '' } = await personalize.send(new CreateDatasetGroupCommand({ name: DEMO_NAME }));
  const datasets = {} as Record<DatasetKind, string>;
  for (const kind of Object.keys(SCHEMAS) as DatasetKind[]) {
    const schema = JSON.stringify({
      type: 'record',
      name: kind,
      namespace: 'demo',
      ...SCHEMAS[kind],
      version: '1.0',
    });
    const { schemaArn } = await personalize.send(
      new CreateSchemaCommand({ name: `${DEMO_NAME}-${kind}`, schema }),
    );
    const { datasetArn = '' } = await personalize.send(
      new CreateDatasetCommand({
        name: `${DEMO_NAME}-${kind}`,
        datasetGroupArn,
        schemaArn,
        datasetType: DATASET_TYPES[kind],
      }),
    );
    datasets[kind] = datasetArn;
  }

  onStep('importing the first export');
  await Promise.all(
    (Object.keys(datasets) as DatasetKind[]).map(async (kind) => {
      const { datasetImportJobArn } = await personalize.send(
        new CreateDatasetImportJobCommand({
          jobName: `${DEMO_NAME}-initial-${kind}`,
          datasetArn: datasets[kind],
          dataSource: { dataLocation: dataPaths[kind] },
          roleArn: DEMO_ROLE_ARN,
        }),
      );
      const job = await pollUntil(
        () => personalize.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
        (r) => r.datasetImportJob?.status,
      );
      if (job.datasetImportJob?.status !== 'ACTIVE') {
        throw new Error(
          `initial ${kind} import failed: ${job.datasetImportJob?.failureReason ?? 'unknown reason'}`,
        );
      }
    }),
  );

  onStep('training the first solution version');
  const { solutionArn = '' } = await personalize.send(
    new CreateSolutionCommand({
      name: DEMO_NAME,
      datasetGroupArn,
      recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
      performAutoTraining: false,
    }),
  );
  const { solutionVersionArn = '' } = await personalize.send(
    new CreateSolutionVersionCommand({ solutionArn }),
  );
  const version = await pollUntil(
    () => personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
    (r) => r.solutionVersion?.status,
  );
  if (version.solutionVersion?.status !== 'ACTIVE') {
    throw new Error(`initial training failed: ${version.solutionVersion?.failureReason ?? 'unknown reason'}`);
  }

  onStep('deploying it to a campaign');
  const { campaignArn = '' } = await personalize.send(
    new CreateCampaignCommand({ name: DEMO_NAME, solutionVersionArn }),
  );
  await pollUntil(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn })),
    (r) => r.campaign?.status,
  );
  return { datasetGroupArn, datasets, dataPaths, solutionArn, campaignArn, created: true };
}

async function findDemoResources(
  personalize: PersonalizeClient,
  dataPaths: Record<DatasetKind, string>,
): Promise<DemoResources | undefined> {
  const { datasetGroups = [] } = await personalize.send(new ListDatasetGroupsCommand({}));
  const group = datasetGroups.find((g) => g.name === DEMO_NAME);
  if (!group?.datasetGroupArn) return undefined;
  const datasetGroupArn = group.datasetGroupArn;
  const { datasets = [] } = await personalize.send(new ListDatasetsCommand({ datasetGroupArn }));
  const { solutions = [] } = await personalize.send(new ListSolutionsCommand({ datasetGroupArn }));
  const solutionArn = solutions.find((s) => s.name === DEMO_NAME)?.solutionArn;
  const campaigns = solutionArn
    ? (await personalize.send(new ListCampaignsCommand({ solutionArn }))).campaigns
    : [];
  const campaignArn = campaigns?.find((c) => c.name === DEMO_NAME)?.campaignArn;
  const arnOf = (type: string) => datasets.find((d) => d.datasetType?.toUpperCase() === type)?.datasetArn;
  const interactions = arnOf('INTERACTIONS');
  const items = arnOf('ITEMS');
  const users = arnOf('USERS');
  if (!solutionArn || !campaignArn || !interactions || !items || !users) {
    throw new Error(
      `An earlier demo left the dataset group ${datasetGroupArn} incomplete. Start again with a fresh state dir ` +
        '(remove it, or pass --state-dir).',
    );
  }
  return {
    datasetGroupArn,
    datasets: { interactions, items, users },
    dataPaths,
    solutionArn,
    campaignArn,
    created: false,
  };
}

const IN_PROGRESS = new Set(['CREATE PENDING', 'CREATE IN_PROGRESS']);

async function pollUntil<T>(read: () => Promise<T>, status: (value: T) => string | undefined): Promise<T> {
  for (;;) {
    const value = await read();
    if (!IN_PROGRESS.has(status(value) ?? '')) return value;
    await sleep(50);
  }
}
