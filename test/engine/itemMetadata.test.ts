import {
  CreateCampaignCommand,
  DescribeCampaignCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { PutItemsCommand } from '@aws-sdk/client-personalize-events';
import {
  GetPersonalizedRankingCommand,
  GetRecommendationsCommand,
  InvalidInputException,
} from '@aws-sdk/client-personalize-runtime';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployCampaign, importCatalogShop } from '../support/catalogShop.js';
import { startTestEngine } from '../support/engine.js';
import { RECIPE, createSolution, trainVersion } from '../support/shop.js';
import { waitFor } from '../support/wait.js';

async function metadataCampaign(personalize: PersonalizeClient, datasetGroupArn: string, recipe: string) {
  const solutionArn = await createSolution(personalize, datasetGroupArn, `m-${recipe.length}`, recipe);
  const { solutionVersionArn } = await trainVersion(personalize, solutionArn);
  const { campaignArn = '' } = await personalize.send(
    new CreateCampaignCommand({
      name: `meta-${recipe.length}`,
      solutionVersionArn,
      campaignConfig: {
        enableMetadataWithRecommendations: true,
        itemExplorationConfig: { explorationWeight: '0' },
      },
    }),
  );
  await waitFor(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn })),
    (r) => r.campaign?.status === 'ACTIVE',
  );
  return campaignArn;
}

test("enableMetadataWithRecommendations: metadataColumns returns each item's Items fields in itemList[].metadata, PutItems included", async (t) => {
  const { personalize, runtime, events, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop, itemsDatasetArn } = await importCatalogShop(personalize, dataRoot);
  const campaignArn = await metadataCampaign(personalize, datasetGroupArn, RECIPE.userPersonalization);
  const genreOf = new Map(shop.items.map((item) => [item.id, item.genre]));
  const userId = shop.users[0]?.id ?? '';
  const ask = () =>
    runtime.send(
      new GetRecommendationsCommand({
        campaignArn,
        userId,
        numResults: 5,
        metadataColumns: { ITEMS: ['genre', 'CREATION_TIMESTAMP'] },
      }),
    );
  const { itemList = [] } = await ask();
  assert.equal(itemList.length, 5);
  for (const item of itemList) {
    assert.equal(item.metadata?.['genre'], genreOf.get(item.itemId ?? ''));
    assert.match(item.metadata?.['CREATION_TIMESTAMP'] ?? '', /^\d+$/);
  }
  const plain = await runtime.send(new GetRecommendationsCommand({ campaignArn, userId, numResults: 5 }));
  assert.ok(plain.itemList?.every((item) => item.metadata === undefined));

  // A PutItems record replaces the item's metadata in the next answer.
  const first = itemList[0]?.itemId ?? '';
  await events.send(
    new PutItemsCommand({
      datasetArn: itemsDatasetArn,
      items: [{ itemId: first, properties: JSON.stringify({ genre: 'relabelled', creationTimestamp: 1 }) }],
    }),
  );
  const after = await ask();
  assert.equal(after.itemList?.find((item) => item.itemId === first)?.metadata?.['genre'], 'relabelled');

  const refused = async (metadataColumns: Record<string, string[]>, message: RegExp, arn = campaignArn) => {
    const error = await runtime
      .send(new GetRecommendationsCommand({ campaignArn: arn, userId, metadataColumns }))
      .then(() => assert.fail('accepted'))
      .catch((e: unknown) => e);
    assert.ok(error instanceof InvalidInputException, String(error));
    assert.match(error.message, message);
  };
  await refused({ ITEMS: ['COLOUR'] }, /COLOUR.*not a field of the Items schema.*GENRE/);
  await refused({ USERS: ['SEGMENT'] }, /only key is ITEMS/);
  await refused({ ITEMS: Array.from({ length: 11 }, () => 'GENRE') }, /at most 10/);
  const without = await deployCampaign(personalize, datasetGroupArn, 'no-meta');
  await refused({ ITEMS: ['GENRE'] }, /enableMetadataWithRecommendations/, without);
});

test('GetPersonalizedRanking returns metadata too on a campaign with metadata enabled', async (t) => {
  const { personalize, runtime, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importCatalogShop(personalize, dataRoot);
  const campaignArn = await metadataCampaign(personalize, datasetGroupArn, RECIPE.ranking);
  const inputList = shop.items.slice(0, 4).map((item) => item.id);
  const { personalizedRanking = [] } = await runtime.send(
    new GetPersonalizedRankingCommand({
      campaignArn,
      userId: shop.users[0]?.id ?? '',
      inputList,
      metadataColumns: { ITEMS: ['GENRE'] },
    }),
  );
  const genreOf = new Map(shop.items.map((item) => [item.id, item.genre]));
  assert.equal(personalizedRanking.length, 4);
  for (const item of personalizedRanking)
    assert.equal(item.metadata?.['GENRE'], genreOf.get(item.itemId ?? ''));
});
