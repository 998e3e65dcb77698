import {
  CreateDatasetGroupCommand,
  CreateFilterCommand,
  DeleteDatasetGroupCommand,
  InvalidInputException,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  TooManyTagKeysException,
  TooManyTagsException,
  UntagResourceCommand,
} from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createActiveEventTracker, deployCampaign, importCatalogShop } from '../support/catalogShop.js';
import { startTestEngine } from '../support/engine.js';

test('tags given at creation are kept; TagResource, UntagResource and ListTagsForResource round-trip', async (t) => {
  const { personalize } = await startTestEngine(t);
  const { datasetGroupArn = '' } = await personalize.send(
    new CreateDatasetGroupCommand({ name: 'tagged', tags: [{ tagKey: 'team', tagValue: 'shop' }] }),
  );
  const list = async () =>
    (await personalize.send(new ListTagsForResourceCommand({ resourceArn: datasetGroupArn }))).tags;
  assert.deepEqual(await list(), [{ tagKey: 'team', tagValue: 'shop' }]);
  await personalize.send(
    new TagResourceCommand({
      resourceArn: datasetGroupArn,
      tags: [
        { tagKey: 'team', tagValue: 'search' },
        { tagKey: 'cost-centre', tagValue: '42' },
      ],
    }),
  );
  assert.deepEqual(await list(), [
    { tagKey: 'cost-centre', tagValue: '42' },
    { tagKey: 'team', tagValue: 'search' },
  ]);
  await personalize.send(
    new UntagResourceCommand({ resourceArn: datasetGroupArn, tagKeys: ['team', 'absent'] }),
  );
  assert.deepEqual(await list(), [{ tagKey: 'cost-centre', tagValue: '42' }]);

  await personalize.send(new DeleteDatasetGroupCommand({ datasetGroupArn }));
  await assert.rejects(
    personalize.send(new ListTagsForResourceCommand({ resourceArn: datasetGroupArn })),
    ResourceNotFoundException,
  );
  await personalize.send(new CreateDatasetGroupCommand({ name: 'tagged' }));
  assert.deepEqual(await list(), [], 'a namesake starts untagged');
});

test("the service's tag limits: 50 per resource, key and value rules, aws: reserved", async (t) => {
  const { personalize } = await startTestEngine(t);
  const { datasetGroupArn: resourceArn = '' } = await personalize.send(
    new CreateDatasetGroupCommand({ name: 'g' }),
  );
  const many = Array.from({ length: 50 }, (_, i) => ({ tagKey: `k${i}`, tagValue: 'v' }));
  await personalize.send(new TagResourceCommand({ resourceArn, tags: many }));
  await assert.rejects(
    personalize.send(new TagResourceCommand({ resourceArn, tags: [{ tagKey: 'one-more', tagValue: 'v' }] })),
    TooManyTagsException,
  );
  await assert.rejects(
    personalize.send(
      new UntagResourceCommand({ resourceArn, tagKeys: [...many.map((tag) => tag.tagKey), 'x'] }),
    ),
    TooManyTagKeysException,
  );
  for (const tag of [
    { tagKey: 'aws:owner', tagValue: 'v' },
    { tagKey: '', tagValue: 'v' },
    { tagKey: 'k'.repeat(129), tagValue: 'v' },
    { tagKey: 'bad*key', tagValue: 'v' },
  ]) {
    await assert.rejects(
      personalize.send(new TagResourceCommand({ resourceArn, tags: [tag] })),
      InvalidInputException,
    );
  }
  await assert.rejects(
    personalize.send(
      new CreateDatasetGroupCommand({ name: 'refused', tags: [{ tagKey: 'aws:x', tagValue: '' }] }),
    ),
    InvalidInputException,
  );
  await assert.rejects(
    personalize
      .send(new CreateDatasetGroupCommand({ name: 'refused', tags: [] }))
      .then(() => personalize.send(new CreateDatasetGroupCommand({ name: 'refused' }))),
    /already exists/,
    'an empty tag list is fine',
  );
});

test('every resource kind takes tags', async (t) => {
  const { personalize, dataRoot, engine } = await startTestEngine(t);
  const shop = await importCatalogShop(personalize, dataRoot);
  const campaignArn = await deployCampaign(personalize, shop.datasetGroupArn, 'recs');
  const { eventTrackerArn } = await createActiveEventTracker(personalize, shop.datasetGroupArn, 'tracker');
  const { filterArn = '' } = await personalize.send(
    new CreateFilterCommand({
      name: 'f',
      datasetGroupArn: shop.datasetGroupArn,
      filterExpression: 'EXCLUDE ItemID WHERE Items.GENRE IN ("x")',
      tags: [{ tagKey: 'kind', tagValue: 'filter' }],
    }),
  );
  const row = (table: string) =>
    (engine.ctx.db.prepare(`SELECT arn FROM ${table} LIMIT 1`).get() as { arn: string }).arn;
  const arns = [
    shop.datasetGroupArn,
    shop.interactionsDatasetArn,
    row('schemas'),
    row('dataset_import_jobs'),
    row('solutions'),
    row('solution_versions'),
    campaignArn,
    eventTrackerArn,
    filterArn,
  ];
  for (const resourceArn of arns) {
    await personalize.send(
      new TagResourceCommand({ resourceArn, tags: [{ tagKey: 'env', tagValue: 'test' }] }),
    );
    const { tags = [] } = await personalize.send(new ListTagsForResourceCommand({ resourceArn }));
    assert.ok(
      tags.some((tag) => tag.tagKey === 'env'),
      resourceArn,
    );
  }
});
