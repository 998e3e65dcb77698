import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateSchemaCommand,
  DeleteDatasetCommand,
  DeleteSchemaCommand,
  DescribeSchemaCommand,
  InvalidInputException,
  LimitExceededException,
  ListSchemasCommand,
  PersonalizeClient,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { fieldsOf } from '../../src/engine/data/schemaFields.js';
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

function record(fields: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'record',
    name: 'Interactions',
    namespace: 'com.amazonaws.personalize.schema',
    fields,
    version: '1.0',
    ...extra,
  });
}

const INTERACTIONS = record([
  { name: 'USER_ID', type: 'string' },
  { name: 'ITEM_ID', type: 'string' },
  { name: 'TIMESTAMP', type: 'long' },
  { name: 'EVENT_TYPE', type: 'string' },
]);

test('DescribeSchema returns the Avro JSON exactly as sent; ListSchemas returns summaries', async (t) => {
  const clock = manualClock();
  const { personalize } = await startTestEngine(t, { now: clock.now });
  // Spacing and key order are the caller's and must come back untouched.
  const schema = `{ "type": "record", "name": "Interactions",\n  "fields": [{"name": "USER_ID", "type": "string"}, {"name": "ITEM_ID", "type": "string"}, {"name": "TIMESTAMP", "type": "long"}] }`;
  const { schemaArn } = await personalize.send(new CreateSchemaCommand({ name: 'events', schema }));
  assert.equal(schemaArn, `${ACCOUNT_ARN}:schema/events`);
  const described = await personalize.send(new DescribeSchemaCommand({ schemaArn }));
  assert.deepEqual(described.schema, {
    name: 'events',
    schemaArn,
    schema,
    creationDateTime: new Date(T0 * 1000),
    lastUpdatedDateTime: new Date(T0 * 1000),
  });

  clock.tick();
  await personalize.send(new CreateSchemaCommand({ name: 'shop-events', schema, domain: 'ECOMMERCE' }));
  const { schemas } = await personalize.send(new ListSchemasCommand({}));
  assert.deepEqual(schemas, [
    {
      name: 'events',
      schemaArn,
      creationDateTime: new Date(T0 * 1000),
      lastUpdatedDateTime: new Date(T0 * 1000),
    },
    {
      name: 'shop-events',
      schemaArn: `${ACCOUNT_ARN}:schema/shop-events`,
      creationDateTime: new Date((T0 + 1) * 1000),
      lastUpdatedDateTime: new Date((T0 + 1) * 1000),
      domain: 'ECOMMERCE',
    },
  ]);
});

test('ListSchemas pages with maxResults and nextToken', async (t) => {
  const clock = manualClock();
  const { personalize } = await startTestEngine(t, { now: clock.now });
  for (const name of ['s1', 's2', 's3']) {
    clock.tick();
    await personalize.send(new CreateSchemaCommand({ name, schema: INTERACTIONS }));
  }
  const first = await personalize.send(new ListSchemasCommand({ maxResults: 2 }));
  assert.deepEqual(
    first.schemas?.map((schema) => schema.name),
    ['s1', 's2'],
  );
  assert.ok(first.nextToken);
  const second = await personalize.send(
    new ListSchemasCommand({ maxResults: 2, nextToken: first.nextToken }),
  );
  assert.deepEqual(
    second.schemas?.map((schema) => schema.name),
    ['s3'],
  );
  assert.equal(second.nextToken, undefined);
});

test('a second schema with the same name is ResourceAlreadyExistsException', async (t) => {
  const { personalize } = await startTestEngine(t);
  await personalize.send(new CreateSchemaCommand({ name: 'events', schema: INTERACTIONS }));
  await rejectsWith(
    personalize.send(new CreateSchemaCommand({ name: 'events', schema: INTERACTIONS })),
    ResourceAlreadyExistsException,
    /Schema arn:aws:personalize:us-east-1:000000000000:schema\/events already exists/,
  );
});

/** Schemas every dataset type rejects, with the words the error must use to point at the fix. */
const BAD_SCHEMAS: ReadonlyArray<readonly [string, string, RegExp]> = [
  [
    'not JSON',
    '{"type": "record",',
    /Invalid schema: it is not valid JSON .*Pass the Avro schema as a JSON string/,
  ],
  ['not a record', '"string"', /top-level type must be "record"/],
  ['no fields', record([]), /"fields" must be a non-empty array/],
  [
    'an Avro-invalid field name',
    record([{ name: 'USER-ID', type: 'string' }]),
    /not a valid Avro schema: invalid field name: USER-ID/,
  ],
  [
    'an unknown type',
    record([{ name: 'USER_ID', type: 'text' }]),
    /field 'USER_ID' has type "text", which is not an Avro type; Personalize allows string, int, long/,
  ],
  [
    'an array field',
    record([{ name: 'TAGS', type: { type: 'array', items: 'string' } }]),
    /field 'TAGS' has type \{"type":"array","items":"string"\}; Personalize allows string, int, long, float, double, boolean/,
  ],
  ['bytes', record([{ name: 'BLOB', type: 'bytes' }]), /field 'BLOB' has type "bytes"/],
  [
    'a union of two types',
    record([{ name: 'PRICE', type: ['string', 'int'] }]),
    /field 'PRICE' has type \["string","int"\].*\["null", "string"\] for an optional string/,
  ],
  [
    'a nested record',
    record([
      {
        name: 'ADDRESS',
        type: { type: 'record', name: 'Address', fields: [{ name: 'CITY', type: 'string' }] },
      },
    ]),
    /field 'ADDRESS'.*Nested records/,
  ],
  [
    'a categorical number',
    record([{ name: 'PRICE', type: 'float', categorical: true }]),
    /field 'PRICE' is categorical but has type 'float'; only string fields can be categorical/,
  ],
  [
    'a textual boolean',
    record([{ name: 'ON_SALE', type: 'boolean', textual: true }]),
    /field 'ON_SALE' is textual but has type 'boolean'/,
  ],
  [
    'categorical not a boolean',
    record([{ name: 'GENRES', type: 'string', categorical: 'yes' }]),
    /field 'GENRES' has "categorical": "yes"; use true or false/,
  ],
  [
    'categorical and textual at once',
    record([{ name: 'DESCRIPTION', type: 'string', categorical: true, textual: true }]),
    /field 'DESCRIPTION' is both categorical and textual/,
  ],
  [
    'names that differ only by underscores',
    record([
      { name: 'GENRES_FIELD_1', type: 'string', categorical: true },
      { name: 'GENRESFIELD1', type: 'string', categorical: true },
    ]),
    /fields 'GENRES_FIELD_1' and 'GENRESFIELD1' differ only in case or underscores/,
  ],
  [
    'a duplicate name',
    record([
      { name: 'USER_ID', type: 'string' },
      { name: 'USER_ID', type: 'string' },
    ]),
    /duplicate field name/,
  ],
];

test('CreateSchema rejects schemas that break Personalize rules, saying which field and how to fix it', async (t) => {
  const { personalize } = await startTestEngine(t);
  for (const [label, schema, message] of BAD_SCHEMAS) {
    await rejectsWith(
      personalize.send(new CreateSchemaCommand({ name: 'bad', schema })),
      InvalidInputException,
      message,
    ).catch((error: unknown) => assert.fail(`${label}: ${String(error)}`));
  }
  const { schemas } = await personalize.send(new ListSchemasCommand({}));
  assert.deepEqual(schemas, []);
});

test('a schema longer than 20,000 characters is InvalidInputException', async (t) => {
  const { personalize } = await startTestEngine(t);
  const padded = record([{ name: 'USER_ID', type: 'string', doc: 'x'.repeat(20_000) }]);
  await rejectsWith(
    personalize.send(new CreateSchemaCommand({ name: 'long', schema: padded })),
    InvalidInputException,
    /'schema' failed to satisfy constraint: Member must have length less than or equal to 20000/,
  );
});

test('optional fields are unions with null, and {"type": …} spellings are read like bare names', async (t) => {
  const { personalize } = await startTestEngine(t);
  const schema = record([
    { name: 'ITEM_ID', type: { type: 'string' } },
    { name: 'GENRES', type: ['null', 'string'], categorical: true },
    { name: 'PRICE', type: ['double', 'null'] },
    { name: 'STOCK', type: 'int' },
    { name: 'ON_SALE', type: 'boolean' },
    { name: 'DESCRIPTION', type: ['null', 'string'], textual: true },
  ]);
  await personalize.send(new CreateSchemaCommand({ name: 'items', schema }));
  assert.deepEqual(fieldsOf(schema), [
    { name: 'ITEM_ID', type: 'string', nullable: false, categorical: false, textual: false },
    { name: 'GENRES', type: 'string', nullable: true, categorical: true, textual: false },
    { name: 'PRICE', type: 'double', nullable: true, categorical: false, textual: false },
    { name: 'STOCK', type: 'int', nullable: false, categorical: false, textual: false },
    { name: 'ON_SALE', type: 'boolean', nullable: false, categorical: false, textual: false },
    { name: 'DESCRIPTION', type: 'string', nullable: true, categorical: false, textual: true },
  ]);
});

test('a schema a dataset uses cannot be deleted until the dataset is', async (t) => {
  const { personalize } = await startTestEngine(t);
  const { schemaArn } = await personalize.send(
    new CreateSchemaCommand({ name: 'events', schema: INTERACTIONS }),
  );
  const { datasetGroupArn } = await personalize.send(new CreateDatasetGroupCommand({ name: 'shop' }));
  const { datasetArn } = await personalize.send(
    new CreateDatasetCommand({ name: 'events', schemaArn, datasetGroupArn, datasetType: 'INTERACTIONS' }),
  );
  await rejectsWith(
    personalize.send(new DeleteSchemaCommand({ schemaArn })),
    ResourceInUseException,
    /Schema arn:aws:personalize:us-east-1:000000000000:schema\/events is used by 1 dataset; delete it first/,
  );
  await personalize.send(new DeleteDatasetCommand({ datasetArn }));
  await personalize.send(new DeleteSchemaCommand({ schemaArn }));
  await rejectsWith(
    personalize.send(new DescribeSchemaCommand({ schemaArn })),
    ResourceNotFoundException,
    /Schema arn:aws:personalize:us-east-1:000000000000:schema\/events does not exist/,
  );
});

test('unknown and malformed schema ARNs', async (t) => {
  const { personalize } = await startTestEngine(t);
  await rejectsWith(
    personalize.send(new DeleteSchemaCommand({ schemaArn: `${ACCOUNT_ARN}:schema/missing` })),
    ResourceNotFoundException,
    /does not exist/,
  );
  await rejectsWith(
    personalize.send(new DescribeSchemaCommand({ schemaArn: 'schema/missing' })),
    InvalidInputException,
    /at 'schemaArn' failed to satisfy constraint/,
  );
  await rejectsWith(
    personalize.send(new CreateSchemaCommand({ name: 'bad name', schema: INTERACTIONS })),
    InvalidInputException,
    /at 'name' failed to satisfy constraint/,
  );
});

test('the account holds at most 500 schemas', async (t) => {
  const { personalize } = await startTestEngine(t);
  for (let batch = 0; batch < 500; batch += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        personalize.send(new CreateSchemaCommand({ name: `s${batch + index}`, schema: INTERACTIONS })),
      ),
    );
  }
  await rejectsWith(
    personalize.send(new CreateSchemaCommand({ name: 'one-too-many', schema: INTERACTIONS })),
    LimitExceededException,
    /already has 500 schemas/,
  );
});

test('schemas survive an engine restart on the same state dir', async (t) => {
  const stateDir = makeTempDir();
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const first = await startEngine({ port: 0, stateDir, now: manualClock().now });
  const client = new PersonalizeClient(sdkClientConfig(first.url));
  const { schemaArn } = await client.send(new CreateSchemaCommand({ name: 'events', schema: INTERACTIONS }));
  const before = await client.send(new DescribeSchemaCommand({ schemaArn }));
  client.destroy();
  await first.close();

  const { personalize } = await startTestEngine(t, { stateDir });
  const after = await personalize.send(new DescribeSchemaCommand({ schemaArn }));
  assert.deepEqual(after.schema, before.schema);
});
