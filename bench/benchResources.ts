/**
 * What several benchmarks set up before they measure: MovieLens as Personalize interactions, and an
 * interactions dataset, a trained solution version and a campaign on an engine, through the SDK.
 */
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
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateShop, interactionsCsv } from '../src/demo/syntheticShop.js';
import { MOVIELENS_RATINGS } from './trainBenchData.js';

export const BENCH_ROLE_ARN = 'arn:aws:iam::000000000000:role/PersonalizeImport';
const USER_PERSONALIZATION = 'arn:aws:personalize:::recipe/aws-user-personalization';

const INTERACTIONS_SCHEMA = JSON.stringify({
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

export function benchClient(endpoint: string): PersonalizeClient {
  return new PersonalizeClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
}

const settled = (status: string | undefined) => status === 'ACTIVE' || status === 'CREATE FAILED';

async function untilSettled<T>(read: () => Promise<T>, status: (value: T) => string | undefined): Promise<T> {
  for (;;) {
    const value = await read();
    if (settled(status(value))) return value;
    await sleep(20);
  }
}

export interface MovieLensInteractions {
  readonly csv: string;
  readonly rows: number;
  readonly users: string[];
  /** Lines left out: not a whole record (the file's last line has no newline) or not epoch seconds. */
  readonly skipped: string[];
  readonly source: string;
}

/** MovieLens-small's ratings as the interactions CSV Personalize imports; undefined without the file. */
export function movieLensInteractions(path = MOVIELENS_RATINGS): MovieLensInteractions | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const skipped = text.slice(complete.length) ? [text.slice(complete.length)] : [];
  const lines = ['USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE'];
  const users = new Set<string>();
  for (const line of complete.split('\n').slice(1)) {
    if (line === '') continue;
    const [user, movie, , timestamp] = line.split(',');
    if (!user || !movie || !/^\d{9,10}$/.test(timestamp ?? '')) {
      skipped.push(line);
      continue;
    }
    users.add(user);
    lines.push(`${user},${movie},${timestamp},rating`);
  }
  return { csv: `${lines.join('\n')}\n`, rows: lines.length - 1, users: [...users], skipped, source: path };
}

/** MovieLens-small's interactions when the file is there, else the demo's synthetic shop's. */
export function movieLensOrShopInteractions(): { csv: string; users: string[]; source: string } {
  const movieLens = movieLensInteractions();
  if (movieLens) return { csv: movieLens.csv, users: movieLens.users, source: 'MovieLens-small' };
  const shop = generateShop();
  return {
    csv: interactionsCsv(shop.interactions),
    users: shop.users.map((u) => u.id),
    source: 'synthetic shop',
  };
}

export interface InteractionsDataset {
  readonly datasetGroupArn: string;
  readonly datasetArn: string;
  /** The s3:// path the CSV was written to, under the engine's data root. */
  readonly dataLocation: string;
}

/** Writes the CSV under the data root and imports it into a new group's Interactions dataset. */
export async function importInteractions(
  personalize: PersonalizeClient,
  dataRoot: string,
  name: string,
  csv: string,
): Promise<InteractionsDataset> {
  mkdirSync(join(dataRoot, name), { recursive: true });
  writeFileSync(join(dataRoot, name, 'interactions.csv'), csv);
  const dataLocation = `s3://${name}/interactions.csv`;
  const { datasetGroupArn = '' } = await personalize.send(new CreateDatasetGroupCommand({ name }));
  const { schemaArn } = await personalize.send(
    new CreateSchemaCommand({ name, schema: INTERACTIONS_SCHEMA }),
  );
  const { datasetArn = '' } = await personalize.send(
    new CreateDatasetCommand({ name, datasetGroupArn, schemaArn, datasetType: 'Interactions' }),
  );
  const { datasetImportJobArn } = await personalize.send(
    new CreateDatasetImportJobCommand({
      jobName: `${name}-initial`,
      datasetArn,
      dataSource: { dataLocation },
      roleArn: BENCH_ROLE_ARN,
    }),
  );
  const job = await untilSettled(
    () => personalize.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
    (r) => r.datasetImportJob?.status,
  );
  if (job.datasetImportJob?.status !== 'ACTIVE')
    throw new Error(`import failed: ${job.datasetImportJob?.failureReason}`);
  return { datasetGroupArn, datasetArn, dataLocation };
}

/** Creates a user-personalization solution; with `train`, also a version, waited for until ACTIVE. */
export async function createSolution(
  personalize: PersonalizeClient,
  datasetGroupArn: string,
  name: string,
  algorithmHyperParameters: Record<string, string> = {},
): Promise<string> {
  const { solutionArn = '' } = await personalize.send(
    new CreateSolutionCommand({
      name,
      datasetGroupArn,
      recipeArn: USER_PERSONALIZATION,
      performAutoTraining: false,
      solutionConfig: { algorithmHyperParameters },
    }),
  );
  return solutionArn;
}

export async function trainVersion(personalize: PersonalizeClient, solutionArn: string): Promise<string> {
  const { solutionVersionArn = '' } = await personalize.send(
    new CreateSolutionVersionCommand({ solutionArn }),
  );
  const version = await untilSettled(
    () => personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
    (r) => r.solutionVersion?.status,
  );
  if (version.solutionVersion?.status !== 'ACTIVE')
    throw new Error(`training failed: ${version.solutionVersion?.failureReason}`);
  return solutionVersionArn;
}

/** A campaign with the service's default config (30% exploration), waited for until ACTIVE. */
export async function deployCampaign(
  personalize: PersonalizeClient,
  name: string,
  solutionVersionArn: string,
): Promise<string> {
  const { campaignArn = '' } = await personalize.send(
    new CreateCampaignCommand({ name, solutionVersionArn }),
  );
  await untilSettled(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn })),
    (r) => r.campaign?.status,
  );
  return campaignArn;
}
