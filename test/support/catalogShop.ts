import {
  CreateDatasetCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  CreateSchemaCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { itemsCsv, usersCsv } from '../../src/demo/syntheticShop.js';
import { importCsv, putObject } from './imports.js';
import {
  RECIPE,
  activeCampaign,
  createSolution,
  importShop,
  trainVersion,
  type ImportedShop,
} from './shop.js';
import { waitFor } from './wait.js';

export interface CatalogShop extends ImportedShop {
  readonly itemsDatasetArn: string;
  readonly usersDatasetArn: string;
}

const ITEMS = {
  type: 'record',
  name: 'Items',
  fields: [
    { name: 'ITEM_ID', type: 'string' },
    { name: 'GENRE', type: 'string', categorical: true },
    { name: 'CREATION_TIMESTAMP', type: 'long' },
  ],
};

const USERS = {
  type: 'record',
  name: 'Users',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'SEGMENT', type: ['null', 'string'], categorical: true },
  ],
};

/** The synthetic shop with its Interactions, Items (GENRE) and Users (SEGMENT) datasets imported. */
export async function importCatalogShop(
  personalize: PersonalizeClient,
  dataRoot: string,
  name = 'catalog',
): Promise<CatalogShop> {
  const imported = await importShop(personalize, dataRoot, name);
  const add = async (type: 'Items' | 'Users', schema: object, csv: string) => {
    const { schemaArn } = await personalize.send(
      new CreateSchemaCommand({ name: `${name}-${type.toLowerCase()}`, schema: JSON.stringify(schema) }),
    );
    const { datasetArn = '' } = await personalize.send(
      new CreateDatasetCommand({
        name: `${name}-${type.toLowerCase()}`,
        datasetGroupArn: imported.datasetGroupArn,
        schemaArn,
        datasetType: type,
      }),
    );
    putObject(dataRoot, 'shop-bucket', `${name}-${type}.csv`, csv);
    const job = await importCsv(personalize, datasetArn, `s3://shop-bucket/${name}-${type}.csv`);
    if (job.status !== 'ACTIVE') throw new Error(`${type} import failed: ${job.failureReason ?? ''}`);
    return datasetArn;
  };
  const itemsDatasetArn = await add('Items', ITEMS, itemsCsv(imported.shop.items));
  const usersDatasetArn = await add('Users', USERS, usersCsv(imported.shop.users));
  return { ...imported, itemsDatasetArn, usersDatasetArn };
}

/** Trains a version of a new solution and serves it from a new campaign without exploration. */
export async function deployCampaign(
  personalize: PersonalizeClient,
  datasetGroupArn: string,
  name: string,
  recipe: string = RECIPE.userPersonalization,
): Promise<string> {
  const solutionArn = await createSolution(personalize, datasetGroupArn, name, recipe);
  const { solutionVersionArn, version } = await trainVersion(personalize, solutionArn);
  if (version?.status !== 'ACTIVE') throw new Error(`training failed: ${version?.failureReason ?? ''}`);
  return activeCampaign(personalize, name, solutionVersionArn);
}

export async function createActiveFilter(
  personalize: PersonalizeClient,
  datasetGroupArn: string,
  name: string,
  filterExpression: string,
): Promise<string> {
  const { filterArn = '' } = await personalize.send(
    new CreateFilterCommand({ name, datasetGroupArn, filterExpression }),
  );
  await waitFor(
    () => personalize.send(new DescribeFilterCommand({ filterArn })),
    (r) => r.filter?.status === 'ACTIVE',
  );
  return filterArn;
}

export async function createActiveEventTracker(
  personalize: PersonalizeClient,
  datasetGroupArn: string,
  name: string,
): Promise<{ eventTrackerArn: string; trackingId: string }> {
  const { eventTrackerArn = '', trackingId = '' } = await personalize.send(
    new CreateEventTrackerCommand({ name, datasetGroupArn }),
  );
  await waitFor(
    () => personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn })),
    (r) => r.eventTracker?.status === 'ACTIVE',
  );
  return { eventTrackerArn, trackingId };
}
