import { ListTagsForResourceCommand, TagResourceCommand } from '@aws-sdk/client-personalize';
import { PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { GetRecommendationsCommand } from '@aws-sdk/client-personalize-runtime';
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createActiveEventTracker, createActiveFilter } from '../support/catalogShop.js';
import { makeTempDir, startTestEngine } from '../support/engine.js';

const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'state-v0.1.0');
const GROUP = 'arn:aws:personalize:us-east-1:000000000000:dataset-group/demo-shop';
const CAMPAIGN = 'arn:aws:personalize:us-east-1:000000000000:campaign/demo-shop';

test('a 0.1.0 state dir, upgraded, takes tags, filters and events on its existing campaign', async (t) => {
  const stateDir = makeTempDir('pr-upgrade-');
  cpSync(FIXTURE, stateDir, { recursive: true });
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const { personalize, runtime, events } = await startTestEngine(t, { stateDir });

  await personalize.send(
    new TagResourceCommand({ resourceArn: CAMPAIGN, tags: [{ tagKey: 'env', tagValue: 'demo' }] }),
  );
  const { tags } = await personalize.send(new ListTagsForResourceCommand({ resourceArn: CAMPAIGN }));
  assert.deepEqual(tags, [{ tagKey: 'env', tagValue: 'demo' }]);

  const { trackingId } = await createActiveEventTracker(personalize, GROUP, 'demo-tracker');
  const filterArn = await createActiveFilter(
    personalize,
    GROUP,
    'not-bought',
    'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
  );
  const userId = 'user-00001';
  const before = await runtime.send(
    new GetRecommendationsCommand({ campaignArn: CAMPAIGN, userId, numResults: 5, filterArn }),
  );
  const first = before.itemList?.[0]?.itemId ?? '';
  await events.send(
    new PutEventsCommand({
      trackingId,
      userId,
      sessionId: 's',
      eventList: [{ eventType: 'purchase', itemId: first, sentAt: new Date() }],
    }),
  );
  const after = await runtime.send(
    new GetRecommendationsCommand({ campaignArn: CAMPAIGN, userId, numResults: 5, filterArn }),
  );
  assert.equal(after.itemList?.length, 5);
  assert.ok(!after.itemList?.some((item) => item.itemId === first));
});
