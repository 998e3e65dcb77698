import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  DeleteDatasetCommand,
  DeleteDatasetGroupCommand,
  DeleteSolutionCommand,
  DescribeDatasetGroupCommand,
  InvalidInputException,
  InvalidNextTokenException,
  LimitExceededException,
  ListDatasetGroupsCommand,
  PersonalizeClient,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
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

const INTERACTIONS_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Interactions',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
  ],
  version: '1.0',
});

test('a created dataset group is ACTIVE at once, and Describe and List return the service bodies', async (t) => {
  const clock = manualClock();
  const { personalize } = await startTestEngine(t, { now: clock.now });
  const created = await personalize.send(
    new CreateDatasetGroupCommand({ name: 'shop', tags: [{ tagKey: 'team', tagValue: 'recs' }] }),
  );
  assert.equal(created.datasetGroupArn, `${ACCOUNT_ARN}:dataset-group/shop`);
  assert.equal(created.domain, undefined);

  const { datasetGroup } = await personalize.send(
    new DescribeDatasetGroupCommand({ datasetGroupArn: created.datasetGroupArn }),
  );
  assert.deepEqual(datasetGroup, {
    name: 'shop',
    datasetGroupArn: `${ACCOUNT_ARN}:dataset-group/shop`,
    status: 'ACTIVE',
    creationDateTime: new Date(T0 * 1000),
    lastUpdatedDateTime: new Date(T0 * 1000),
  });

  const listed = await personalize.send(new ListDatasetGroupsCommand({}));
  assert.deepEqual(listed.datasetGroups, [
    {
      name: 'shop',
      datasetGroupArn: `${ACCOUNT_ARN}:dataset-group/shop`,
      status: 'ACTIVE',
      creationDateTime: new Date(T0 * 1000),
      lastUpdatedDateTime: new Date(T0 * 1000),
    },
  ]);
  assert.equal(listed.nextToken, undefined);
});

test('timestamps travel as epoch seconds, as the service sends them', async (t) => {
  const { engine, personalize } = await startTestEngine(t, { now: () => T0 + 0.25 });
  await personalize.send(new CreateDatasetGroupCommand({ name: 'wire' }));
  const response = await fetch(engine.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonPersonalize.DescribeDatasetGroup',
    },
    body: JSON.stringify({ datasetGroupArn: `${ACCOUNT_ARN}:dataset-group/wire` }),
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/x-amz-json-1\.1/);
  assert.deepEqual(await response.json(), {
    datasetGroup: {
      name: 'wire',
      datasetGroupArn: `${ACCOUNT_ARN}:dataset-group/wire`,
      status: 'ACTIVE',
      creationDateTime: T0 + 0.25,
      lastUpdatedDateTime: T0 + 0.25,
    },
  });
});

test('a domain dataset group with a KMS key shows its domain, role and key', async (t) => {
  const clock = manualClock();
  const { personalize } = await startTestEngine(t, { now: clock.now });
  const roleArn = 'arn:aws:iam::123456789012:role/PersonalizeKms';
  const kmsKeyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const created = await personalize.send(
    new CreateDatasetGroupCommand({ name: 'vod', domain: 'VIDEO_ON_DEMAND', roleArn, kmsKeyArn }),
  );
  assert.equal(created.domain, 'VIDEO_ON_DEMAND');
  const { datasetGroup } = await personalize.send(
    new DescribeDatasetGroupCommand({ datasetGroupArn: created.datasetGroupArn }),
  );
  assert.deepEqual(datasetGroup, {
    name: 'vod',
    datasetGroupArn: `${ACCOUNT_ARN}:dataset-group/vod`,
    status: 'ACTIVE',
    roleArn,
    kmsKeyArn,
    domain: 'VIDEO_ON_DEMAND',
    creationDateTime: new Date(T0 * 1000),
    lastUpdatedDateTime: new Date(T0 * 1000),
  });
  const { datasetGroups = [] } = await personalize.send(new ListDatasetGroupsCommand({}));
  assert.equal(datasetGroups[0]?.domain, 'VIDEO_ON_DEMAND');
});

test('a role without a KMS key, or a malformed role ARN, is InvalidInputException', async (t) => {
  const { personalize } = await startTestEngine(t);
  await rejectsWith(
    personalize.send(
      new CreateDatasetGroupCommand({ name: 'g', roleArn: 'arn:aws:iam::123456789012:role/PersonalizeKms' }),
    ),
    InvalidInputException,
    /roleArn and kmsKeyArn go together/,
  );
  await rejectsWith(
    personalize.send(new CreateDatasetGroupCommand({ name: 'g', roleArn: 'role', kmsKeyArn: 'key' })),
    InvalidInputException,
    /Invalid roleArn 'role'/,
  );
  await rejectsWith(
    personalize.send(new CreateDatasetGroupCommand({ name: 'g', domain: 'GROCERY' as never })),
    InvalidInputException,
    /domain/,
  );
});

test('ListDatasetGroups pages with maxResults and nextToken, oldest first', async (t) => {
  const clock = manualClock();
  const { personalize } = await startTestEngine(t, { now: clock.now });
  for (const name of ['a', 'b', 'c', 'd', 'e']) {
    clock.tick();
    await personalize.send(new CreateDatasetGroupCommand({ name }));
  }
  const names: string[][] = [];
  let nextToken: string | undefined;
  do {
    const page = await personalize.send(new ListDatasetGroupsCommand({ maxResults: 2, nextToken }));
    names.push((page.datasetGroups ?? []).map((group) => group.name ?? ''));
    nextToken = page.nextToken;
  } while (nextToken);
  assert.deepEqual(names, [['a', 'b'], ['c', 'd'], ['e']]);

  await rejectsWith(
    personalize.send(new ListDatasetGroupsCommand({ nextToken: 'garbage' })),
    InvalidNextTokenException,
    /Invalid next token/,
  );
  await rejectsWith(
    personalize.send(new ListDatasetGroupsCommand({ maxResults: 101 })),
    InvalidInputException,
    /maxResults.*between 1 and 100/,
  );
});

test('a second dataset group with the same name is ResourceAlreadyExistsException', async (t) => {
  const { personalize } = await startTestEngine(t);
  await personalize.send(new CreateDatasetGroupCommand({ name: 'shop' }));
  await rejectsWith(
    personalize.send(new CreateDatasetGroupCommand({ name: 'shop' })),
    ResourceAlreadyExistsException,
    /Dataset group arn:aws:personalize:us-east-1:000000000000:dataset-group\/shop already exists/,
  );
});

test('names outside the service pattern are InvalidInputException', async (t) => {
  const { personalize } = await startTestEngine(t);
  for (const name of ['has space', '-leading-dash', 'x'.repeat(64), '']) {
    await rejectsWith(
      personalize.send(new CreateDatasetGroupCommand({ name })),
      InvalidInputException,
      /at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
  }
  await personalize.send(new CreateDatasetGroupCommand({ name: 'x'.repeat(63) }));
});

test('an unknown dataset group ARN is ResourceNotFoundException, a malformed one InvalidInputException', async (t) => {
  const { personalize } = await startTestEngine(t);
  const missing = `${ACCOUNT_ARN}:dataset-group/missing`;
  await rejectsWith(
    personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn: missing })),
    ResourceNotFoundException,
    /Dataset group arn:aws:personalize:us-east-1:000000000000:dataset-group\/missing does not exist/,
  );
  await rejectsWith(
    personalize.send(new DeleteDatasetGroupCommand({ datasetGroupArn: missing })),
    ResourceNotFoundException,
    /does not exist/,
  );
  await rejectsWith(
    personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn: 'dataset-group/shop' })),
    InvalidInputException,
    /at 'datasetGroupArn' failed to satisfy constraint/,
  );
});

test('the account holds at most 5 dataset groups, the service default quota', async (t) => {
  const { personalize } = await startTestEngine(t);
  for (let index = 1; index <= 5; index += 1) {
    await personalize.send(new CreateDatasetGroupCommand({ name: `group-${index}` }));
  }
  await rejectsWith(
    personalize.send(new CreateDatasetGroupCommand({ name: 'group-6' })),
    LimitExceededException,
    /already has 5 dataset groups.*Delete a dataset group/,
  );
  await personalize.send(
    new DeleteDatasetGroupCommand({ datasetGroupArn: `${ACCOUNT_ARN}:dataset-group/group-1` }),
  );
  await personalize.send(new CreateDatasetGroupCommand({ name: 'group-6' }));
});

test('a dataset group with datasets or solutions cannot be deleted until they are gone', async (t) => {
  const { personalize } = await startTestEngine(t);
  const { datasetGroupArn } = await personalize.send(new CreateDatasetGroupCommand({ name: 'shop' }));
  const { schemaArn } = await personalize.send(
    new CreateSchemaCommand({ name: 'interactions', schema: INTERACTIONS_SCHEMA }),
  );
  const { datasetArn } = await personalize.send(
    new CreateDatasetCommand({ name: 'events', datasetGroupArn, schemaArn, datasetType: 'Interactions' }),
  );
  const { solutionArn } = await personalize.send(
    new CreateSolutionCommand({
      name: 'recs',
      datasetGroupArn,
      recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
    }),
  );
  await rejectsWith(
    personalize.send(new DeleteDatasetGroupCommand({ datasetGroupArn })),
    ResourceInUseException,
    /still has 1 dataset and 1 solution; delete them first/,
  );
  await personalize.send(new DeleteDatasetCommand({ datasetArn }));
  await rejectsWith(
    personalize.send(new DeleteDatasetGroupCommand({ datasetGroupArn })),
    ResourceInUseException,
    /still has 1 solution;/,
  );
  await personalize.send(new DeleteSolutionCommand({ solutionArn }));
  await personalize.send(new DeleteDatasetGroupCommand({ datasetGroupArn }));
  await rejectsWith(
    personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
    ResourceNotFoundException,
    /does not exist/,
  );
  const { datasetGroups } = await personalize.send(new ListDatasetGroupsCommand({}));
  assert.deepEqual(datasetGroups, []);
});

test('dataset groups survive an engine restart on the same state dir', async (t) => {
  const stateDir = makeTempDir();
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const first = await startEngine({ port: 0, stateDir, now: manualClock().now });
  const client = new PersonalizeClient(sdkClientConfig(first.url));
  const { datasetGroupArn } = await client.send(new CreateDatasetGroupCommand({ name: 'durable' }));
  const before = await client.send(new DescribeDatasetGroupCommand({ datasetGroupArn }));
  client.destroy();
  await first.close();

  const { personalize } = await startTestEngine(t, { stateDir });
  const after = await personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn }));
  assert.deepEqual(after.datasetGroup, before.datasetGroup);
  const { datasetGroups = [] } = await personalize.send(new ListDatasetGroupsCommand({}));
  assert.deepEqual(
    datasetGroups.map((group) => group.datasetGroupArn),
    [datasetGroupArn],
  );
});
