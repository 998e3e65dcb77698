import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateSchemaCommand,
  DeleteDatasetCommand,
  DescribeDatasetCommand,
  InvalidInputException,
  ListDatasetsCommand,
  PersonalizeClient,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { beginVersion, commitVersion, currentVersion } from '../../src/engine/store/datasetStorage.js';
import { startEngine } from '../../src/engine/engine.js';
import { makeTempDir, sdkClientConfig, startTestEngine } from '../support/engine.js';

const ACCOUNT_ARN = 'arn:aws:personalize:us-east-1:000000000000';
const T0 = 1_700_000_000;

/** A clock the test moves by hand, so every resource gets a known creation time. */
function manualClock(start = T0): { now: () => number; tick: () => void } {
  let now = start;
  return {
    now: () => now,
    tick: () => {
      now += 1;
    },
  };
}

async function rejectsWith(
  promise: Promise<unknown>,
  type: new (...args: never[]) => Error,
  message: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

function record(name: string, fields: unknown[]): string {
  return JSON.stringify({
    type: 'record',
    name,
    namespace: 'com.amazonaws.personalize.schema',
    fields,
    version: '1.0',
  });
}

const USER_ID = { name: 'USER_ID', type: 'string' };
const ITEM_ID = { name: 'ITEM_ID', type: 'string' };
const TIMESTAMP = { name: 'TIMESTAMP', type: 'long' };
const INTERACTIONS = record('Interactions', [
  USER_ID,
  ITEM_ID,
  TIMESTAMP,
  { name: 'EVENT_TYPE', type: 'string' },
]);
const USERS = record('Users', [USER_ID, { name: 'SEGMENT', type: 'string', categorical: true }]);
const ITEMS = record('Items', [
  ITEM_ID,
  { name: 'GENRE', type: 'string', categorical: true },
  { name: 'CREATION_TIMESTAMP', type: 'long' },
]);

async function groupAndSchema(personalize: PersonalizeClient, group: string, schema: string) {
  const { datasetGroupArn = '' } = await personalize.send(new CreateDatasetGroupCommand({ name: group }));
  const { schemaArn = '' } = await personalize.send(
    new CreateSchemaCommand({ name: `${group}-schema`, schema }),
  );
  return { datasetGroupArn, schemaArn };
}

test('a dataset is ACTIVE at once, named by its group and type, with the service Describe body', async (t) => {
  const clock = manualClock();
  const { personalize } = await startTestEngine(t, { now: clock.now });
  const { datasetGroupArn, schemaArn } = await groupAndSchema(personalize, 'shop', INTERACTIONS);
  const { datasetArn } = await personalize.send(
    new CreateDatasetCommand({
      name: 'shop-events',
      datasetGroupArn,
      schemaArn,
      datasetType: 'Interactions',
      tags: [{ tagKey: 'team', tagValue: 'recs' }],
    }),
  );
  assert.equal(datasetArn, `${ACCOUNT_ARN}:dataset/shop/INTERACTIONS`);
  const { dataset } = await personalize.send(new DescribeDatasetCommand({ datasetArn }));
  assert.deepEqual(dataset, {
    name: 'shop-events',
    datasetArn,
    datasetGroupArn,
    datasetType: 'INTERACTIONS',
    schemaArn,
    status: 'ACTIVE',
    creationDateTime: new Date(T0 * 1000),
    lastUpdatedDateTime: new Date(T0 * 1000),
  });
});

test('the dataset type is case-insensitive and every service type is accepted', async (t) => {
  const { personalize } = await startTestEngine(t);
  const { datasetGroupArn } = await personalize.send(new CreateDatasetGroupCommand({ name: 'all' }));
  const schemas = {
    interactions: INTERACTIONS,
    Users: USERS,
    ITEMS: ITEMS,
    actions: record('Actions', [
      { name: 'ACTION_ID', type: 'string' },
      { name: 'VALUE', type: ['null', 'long'] },
      { name: 'CHANNEL', type: 'string', categorical: true },
    ]),
    Action_Interactions: record('ActionInteractions', [
      USER_ID,
      { name: 'ACTION_ID', type: 'string' },
      { name: 'EVENT_TYPE', type: 'string' },
      TIMESTAMP,
    ]),
  };
  for (const [datasetType, schema] of Object.entries(schemas)) {
    const { schemaArn } = await personalize.send(
      new CreateSchemaCommand({ name: `schema-${datasetType.toLowerCase().replace('_', '-')}`, schema }),
    );
    const { datasetArn } = await personalize.send(
      new CreateDatasetCommand({
        name: `ds-${datasetType.toLowerCase().replace('_', '-')}`,
        datasetGroupArn,
        schemaArn,
        datasetType,
      }),
    );
    assert.equal(datasetArn, `${ACCOUNT_ARN}:dataset/all/${datasetType.toUpperCase()}`);
  }
  for (const datasetType of ['Clicks', 'Inter actions', '']) {
    await rejectsWith(
      personalize.send(
        new CreateDatasetCommand({
          name: 'x',
          datasetGroupArn,
          schemaArn: `${ACCOUNT_ARN}:schema/schema-users`,
          datasetType,
        }),
      ),
      InvalidInputException,
      /Invalid datasetType .*use one of Interactions, Items, Users, Actions, Action_Interactions \(case-insensitive\)/,
    );
  }
});

test('ListDatasets filters by dataset group and pages with maxResults and nextToken', async (t) => {
  const clock = manualClock();
  const { personalize } = await startTestEngine(t, { now: clock.now });
  const shop = await groupAndSchema(personalize, 'shop', INTERACTIONS);
  const users = await personalize.send(new CreateSchemaCommand({ name: 'users', schema: USERS }));
  const items = await personalize.send(new CreateSchemaCommand({ name: 'items', schema: ITEMS }));
  const other = await groupAndSchema(personalize, 'other', INTERACTIONS);
  const created = [
    {
      name: 'shop-events',
      datasetGroupArn: shop.datasetGroupArn,
      schemaArn: shop.schemaArn,
      datasetType: 'INTERACTIONS',
    },
    {
      name: 'shop-users',
      datasetGroupArn: shop.datasetGroupArn,
      schemaArn: users.schemaArn,
      datasetType: 'USERS',
    },
    {
      name: 'other-events',
      datasetGroupArn: other.datasetGroupArn,
      schemaArn: other.schemaArn,
      datasetType: 'INTERACTIONS',
    },
    {
      name: 'shop-items',
      datasetGroupArn: shop.datasetGroupArn,
      schemaArn: items.schemaArn,
      datasetType: 'ITEMS',
    },
  ];
  for (const input of created) {
    clock.tick();
    await personalize.send(new CreateDatasetCommand(input));
  }

  const all = await personalize.send(new ListDatasetsCommand({}));
  assert.deepEqual(
    all.datasets?.map((dataset) => dataset.name),
    ['shop-events', 'shop-users', 'other-events', 'shop-items'],
  );

  const first = await personalize.send(
    new ListDatasetsCommand({ datasetGroupArn: shop.datasetGroupArn, maxResults: 2 }),
  );
  assert.deepEqual(first.datasets, [
    {
      name: 'shop-events',
      datasetArn: `${ACCOUNT_ARN}:dataset/shop/INTERACTIONS`,
      datasetType: 'INTERACTIONS',
      status: 'ACTIVE',
      creationDateTime: new Date((T0 + 1) * 1000),
      lastUpdatedDateTime: new Date((T0 + 1) * 1000),
    },
    {
      name: 'shop-users',
      datasetArn: `${ACCOUNT_ARN}:dataset/shop/USERS`,
      datasetType: 'USERS',
      status: 'ACTIVE',
      creationDateTime: new Date((T0 + 2) * 1000),
      lastUpdatedDateTime: new Date((T0 + 2) * 1000),
    },
  ]);
  assert.ok(first.nextToken);
  const second = await personalize.send(
    new ListDatasetsCommand({
      datasetGroupArn: shop.datasetGroupArn,
      maxResults: 2,
      nextToken: first.nextToken,
    }),
  );
  assert.deepEqual(
    second.datasets?.map((dataset) => dataset.datasetArn),
    [`${ACCOUNT_ARN}:dataset/shop/ITEMS`],
  );
  assert.equal(second.nextToken, undefined);
});

test('a second dataset of the same type in a group is ResourceAlreadyExistsException', async (t) => {
  const { personalize } = await startTestEngine(t);
  const { datasetGroupArn, schemaArn } = await groupAndSchema(personalize, 'shop', INTERACTIONS);
  await personalize.send(
    new CreateDatasetCommand({ name: 'a', datasetGroupArn, schemaArn, datasetType: 'INTERACTIONS' }),
  );
  await rejectsWith(
    personalize.send(
      new CreateDatasetCommand({ name: 'b', datasetGroupArn, schemaArn, datasetType: 'interactions' }),
    ),
    ResourceAlreadyExistsException,
    /already has an Interactions dataset \(arn:aws:personalize:us-east-1:000000000000:dataset\/shop\/INTERACTIONS\)/,
  );
});

/** Schemas that CreateSchema accepts but a dataset of the given type must refuse. */
const UNFIT: ReadonlyArray<readonly [string, string, RegExp]> = [
  [
    'INTERACTIONS',
    record('Interactions', [USER_ID, ITEM_ID]),
    /not valid for an Interactions dataset: the required field 'TIMESTAMP' is missing. Add \{"name": "TIMESTAMP", "type": "long"\}/,
  ],
  [
    'INTERACTIONS',
    record('Interactions', [USER_ID, ITEM_ID, { name: 'TIMESTAMP', type: 'string' }]),
    /the required field 'TIMESTAMP' has type "string"; it must be "long"/,
  ],
  [
    'INTERACTIONS',
    record('Interactions', [{ name: 'USER_ID', type: ['null', 'string'] }, ITEM_ID, TIMESTAMP]),
    /the required field 'USER_ID' has type \["null", "string"\]; it must be "string" \(it cannot be nullable\)/,
  ],
  [
    'INTERACTIONS',
    record('Interactions', [USER_ID, ITEM_ID, TIMESTAMP, { name: 'EVENT_VALUE', type: 'string' }]),
    /the reserved field 'EVENT_VALUE' has type "string"; it must be "float" or \["null", "float"\]/,
  ],
  [
    'INTERACTIONS',
    record('Interactions', [USER_ID, ITEM_ID, TIMESTAMP, { name: 'EVENT_TYPE', type: 'int' }]),
    /the reserved field 'EVENT_TYPE' has type "int"; it must be "string"/,
  ],
  [
    'INTERACTIONS',
    record('Interactions', [{ name: 'USER_ID', type: 'string', categorical: true }, ITEM_ID, TIMESTAMP]),
    /the required field 'USER_ID' cannot be categorical; remove that attribute/,
  ],
  [
    'INTERACTIONS',
    record('Interactions', [
      USER_ID,
      ITEM_ID,
      TIMESTAMP,
      ...['A', 'B', 'C', 'D', 'E', 'F'].map((name) => ({ name: `META_${name}`, type: 'int' })),
    ]),
    /it has 6 metadata fields \(META_A, .*META_F\); an Interactions dataset allows at most 5/,
  ],
  [
    'INTERACTIONS',
    record('Interactions', [USER_ID, ITEM_ID, TIMESTAMP, { name: 'NOTE', type: 'string', textual: true }]),
    /field 'NOTE' is textual, but only Items datasets support textual fields/,
  ],
  [
    'USERS',
    record('Users', [USER_ID]),
    /a Users dataset needs at least 1 \(a categorical string or a numerical field\)/,
  ],
  ['USERS', USERS.replace('USER_ID', 'CUSTOMER_ID'), /the required field 'USER_ID' is missing/],
  [
    'USERS',
    record('Users', [
      USER_ID,
      ...Array.from({ length: 26 }, (_, index) => ({ name: `F${index}`, type: 'int' })),
    ]),
    /it has 26 metadata fields .*allows at most 25/,
  ],
  ['ITEMS', USERS, /not valid for an Items dataset: the required field 'ITEM_ID' is missing/],
  [
    'ITEMS',
    record('Items', [
      ITEM_ID,
      { name: 'TITLE', type: 'string', textual: true },
      { name: 'DESCRIPTION', type: 'string', textual: true },
    ]),
    /it has 2 textual fields \(TITLE, DESCRIPTION\); an Items dataset allows at most 1/,
  ],
  [
    'ITEMS',
    record('Items', [
      ITEM_ID,
      { name: 'GENRE', type: 'string', categorical: true },
      { name: 'CREATION_TIMESTAMP', type: 'int' },
    ]),
    /the reserved field 'CREATION_TIMESTAMP' has type "int"; it must be "long"/,
  ],
];

test('CreateDataset rejects a schema that does not fit the dataset type, saying how to fix it', async (t) => {
  const { personalize } = await startTestEngine(t);
  const { datasetGroupArn } = await personalize.send(new CreateDatasetGroupCommand({ name: 'shop' }));
  for (const [index, [datasetType, schema, message]] of UNFIT.entries()) {
    const { schemaArn } = await personalize.send(new CreateSchemaCommand({ name: `unfit-${index}`, schema }));
    await rejectsWith(
      personalize.send(new CreateDatasetCommand({ name: 'ds', datasetGroupArn, schemaArn, datasetType })),
      InvalidInputException,
      message,
    ).catch((error: unknown) => assert.fail(`case ${index} (${datasetType}): ${String(error)}`));
  }
  const { datasets } = await personalize.send(new ListDatasetsCommand({ datasetGroupArn }));
  assert.deepEqual(datasets, []);
});

test('reserved interaction fields with their service types, nullable where allowed, are accepted', async (t) => {
  const { personalize } = await startTestEngine(t);
  const schema = record('Interactions', [
    USER_ID,
    ITEM_ID,
    TIMESTAMP,
    { name: 'EVENT_TYPE', type: 'string' },
    { name: 'EVENT_VALUE', type: ['null', 'float'] },
    { name: 'IMPRESSION', type: ['null', 'string'] },
    { name: 'RECOMMENDATION_ID', type: ['null', 'string'] },
    { name: 'DEVICE', type: ['null', 'string'], categorical: true },
  ]);
  const { datasetGroupArn, schemaArn } = await groupAndSchema(personalize, 'shop', schema);
  const { datasetArn } = await personalize.send(
    new CreateDatasetCommand({ name: 'events', datasetGroupArn, schemaArn, datasetType: 'Interactions' }),
  );
  assert.equal(datasetArn, `${ACCOUNT_ARN}:dataset/shop/INTERACTIONS`);
});

test('unknown dataset groups, schemas and datasets are ResourceNotFoundException', async (t) => {
  const { personalize } = await startTestEngine(t);
  const { datasetGroupArn, schemaArn } = await groupAndSchema(personalize, 'shop', INTERACTIONS);
  await rejectsWith(
    personalize.send(
      new CreateDatasetCommand({
        name: 'ds',
        datasetGroupArn: `${ACCOUNT_ARN}:dataset-group/nope`,
        schemaArn,
        datasetType: 'INTERACTIONS',
      }),
    ),
    ResourceNotFoundException,
    /Dataset group arn:aws:personalize:us-east-1:000000000000:dataset-group\/nope does not exist/,
  );
  await rejectsWith(
    personalize.send(
      new CreateDatasetCommand({
        name: 'ds',
        datasetGroupArn,
        schemaArn: `${ACCOUNT_ARN}:schema/nope`,
        datasetType: 'INTERACTIONS',
      }),
    ),
    ResourceNotFoundException,
    /Schema arn:aws:personalize:us-east-1:000000000000:schema\/nope does not exist/,
  );
  await rejectsWith(
    personalize.send(new DescribeDatasetCommand({ datasetArn: `${ACCOUNT_ARN}:dataset/shop/USERS` })),
    ResourceNotFoundException,
    /Dataset arn:aws:personalize:us-east-1:000000000000:dataset\/shop\/USERS does not exist/,
  );
  await rejectsWith(
    personalize.send(new DeleteDatasetCommand({ datasetArn: 'USERS' })),
    InvalidInputException,
    /at 'datasetArn' failed to satisfy constraint/,
  );
  await rejectsWith(
    personalize.send(
      new CreateDatasetCommand({ name: 'bad name', datasetGroupArn, schemaArn, datasetType: 'INTERACTIONS' }),
    ),
    InvalidInputException,
    /at 'name' failed to satisfy constraint/,
  );
});

test("a schema must share its dataset group's domain", async (t) => {
  const { personalize } = await startTestEngine(t);
  const { datasetGroupArn } = await personalize.send(
    new CreateDatasetGroupCommand({ name: 'shop', domain: 'ECOMMERCE' }),
  );
  const { schemaArn } = await personalize.send(
    new CreateSchemaCommand({ name: 'custom', schema: INTERACTIONS }),
  );
  await rejectsWith(
    personalize.send(
      new CreateDatasetCommand({ name: 'ds', datasetGroupArn, schemaArn, datasetType: 'INTERACTIONS' }),
    ),
    InvalidInputException,
    /has domain \(none\) but dataset group .* has domain ECOMMERCE; use a schema created with the dataset group's domain/,
  );
  const domainSchema = await personalize.send(
    new CreateSchemaCommand({ name: 'shop-schema', schema: INTERACTIONS, domain: 'ECOMMERCE' }),
  );
  await personalize.send(
    new CreateDatasetCommand({
      name: 'ds',
      datasetGroupArn,
      schemaArn: domainSchema.schemaArn,
      datasetType: 'INTERACTIONS',
    }),
  );
});

test('a dataset cannot be deleted while an import job of it is pending or in progress; then it goes with its data', async (t) => {
  const { engine, personalize } = await startTestEngine(t);
  const { datasetGroupArn, schemaArn } = await groupAndSchema(personalize, 'shop', INTERACTIONS);
  const { datasetArn = '' } = await personalize.send(
    new CreateDatasetCommand({ name: 'events', datasetGroupArn, schemaArn, datasetType: 'INTERACTIONS' }),
  );
  // The job row stands for an import caught mid-flight; its lifecycle belongs to the importer.
  const jobArn = `${ACCOUNT_ARN}:dataset-import-job/load`;
  engine.ctx.db
    .prepare(
      `INSERT INTO dataset_import_jobs (arn, name, dataset_arn, status, data_location, import_mode, created, updated)
       VALUES (?, 'load', ?, ?, 's3://bucket/events.csv', 'FULL', 0, 0)`,
    )
    .run(jobArn, datasetArn, 'CREATE IN_PROGRESS');
  await rejectsWith(
    personalize.send(new DeleteDatasetCommand({ datasetArn })),
    ResourceInUseException,
    /cannot be deleted while dataset import job arn:aws:personalize:us-east-1:000000000000:dataset-import-job\/load is CREATE PENDING or CREATE IN_PROGRESS/,
  );
  engine.ctx.db.prepare(`UPDATE dataset_import_jobs SET status = 'CREATE PENDING' WHERE arn = ?`).run(jobArn);
  await rejectsWith(
    personalize.send(new DeleteDatasetCommand({ datasetArn })),
    ResourceInUseException,
    /import job/,
  );

  engine.ctx.db.prepare(`UPDATE dataset_import_jobs SET status = 'ACTIVE' WHERE arn = ?`).run(jobArn);
  // The data that job committed, written through the importer's storage API.
  const versionId = beginVersion(engine.ctx.db, datasetArn, jobArn, [{ name: 'USER_ID', kind: 'string' }], 0);
  commitVersion(engine.ctx.db, { datasetArn, versionId, importJobArn: jobArn, importMode: 'FULL', now: 0 });
  assert.ok(currentVersion(engine.ctx.db, datasetArn));
  await personalize.send(new DeleteDatasetCommand({ datasetArn }));
  await rejectsWith(
    personalize.send(new DescribeDatasetCommand({ datasetArn })),
    ResourceNotFoundException,
    /does not exist/,
  );
  const jobs = engine.ctx.db.prepare('SELECT COUNT(*) AS n FROM dataset_import_jobs').get() as { n: number };
  assert.equal(jobs.n, 0, 'the import job history goes with the dataset');
  assert.equal(currentVersion(engine.ctx.db, datasetArn), undefined, 'the data goes with the dataset');
  // The type is free again in the group.
  await personalize.send(
    new CreateDatasetCommand({ name: 'events', datasetGroupArn, schemaArn, datasetType: 'INTERACTIONS' }),
  );
});

test('datasets survive an engine restart on the same state dir', async (t) => {
  const stateDir = makeTempDir();
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const first = await startEngine({ port: 0, stateDir, now: manualClock().now });
  const client = new PersonalizeClient(sdkClientConfig(first.url));
  const { datasetGroupArn, schemaArn } = await groupAndSchema(client, 'shop', INTERACTIONS);
  const { datasetArn } = await client.send(
    new CreateDatasetCommand({ name: 'events', datasetGroupArn, schemaArn, datasetType: 'INTERACTIONS' }),
  );
  const before = await client.send(new DescribeDatasetCommand({ datasetArn }));
  client.destroy();
  await first.close();

  const { personalize } = await startTestEngine(t, { stateDir });
  const after = await personalize.send(new DescribeDatasetCommand({ datasetArn }));
  assert.deepEqual(after.dataset, before.dataset);
  const { datasets = [] } = await personalize.send(new ListDatasetsCommand({ datasetGroupArn }));
  assert.deepEqual(
    datasets.map((dataset) => dataset.datasetArn),
    [datasetArn],
  );
});
