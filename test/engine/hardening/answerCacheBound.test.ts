import { GetRecommendationsCommand } from '@aws-sdk/client-personalize-runtime';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnswerCacheStats } from '../../../src/engine/serve/answerCache.js';
import { assertAnswersAndStops, startEngineProcess } from '../../support/engineProcess.js';
import { RECIPE, deployCampaign, importShop } from '../../support/shop.js';

/** The engine's JSON log lines (stderr) with the given message. */
function logLines(stderr: string, message: string): { answerCache: AnswerCacheStats }[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(message))
    .map((line) => JSON.parse(line) as { answerCache: AnswerCacheStats });
}

test('answers of every campaign share one byte budget, least recently used first, and the engine reports it', async (t) => {
  const budget = 64 * 1024;
  const engine = await startEngineProcess(t, ['--answer-cache-mb', String(budget / 1024 / 1024)]);
  const { datasetGroupArn, shop } = await importShop(engine.personalize, engine.dataRoot);
  const campaigns = [
    await deployCampaign(engine.personalize, datasetGroupArn, 'first', RECIPE.userPersonalization),
    await deployCampaign(engine.personalize, datasetGroupArn, 'second', RECIPE.popularity),
  ];
  const ask = (campaignArn: string, userId: string) =>
    engine.runtime
      .send(new GetRecommendationsCommand({ campaignArn, userId, numResults: 20 }))
      .then((answer) => answer.itemList?.map((item) => item.itemId));
  const firstUser = shop.users[0]?.id ?? '';
  const firstAnswer = await ask(campaigns[0] ?? '', firstUser);
  // Each asked twice: an answer is kept from the second time its request comes.
  for (const user of shop.users)
    for (const campaignArn of campaigns) for (let n = 0; n < 2; n++) await ask(campaignArn, user.id);
  assert.deepEqual(
    await ask(campaigns[0] ?? '', firstUser),
    firstAnswer,
    'an evicted answer comes back the same',
  );

  await assertAnswersAndStops(engine);
  const [full] = logLines(engine.stderr(), 'answer cache full');
  assert.ok(full, 'a log line says when the cache first fills');
  const [use] = logLines(engine.stderr(), 'answer cache use');
  assert.ok(use, 'a log line reports its use at shutdown');
  assert.equal(use.answerCache.capacityBytes, budget);
  assert.ok(use.answerCache.bytes <= budget, `holds ${use.answerCache.bytes} bytes`);
  assert.ok(use.answerCache.evictions > 0);
  assert.ok(use.answerCache.misses >= shop.users.length * campaigns.length);
});
