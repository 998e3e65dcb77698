import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InvalidInputException, RuntimeResourceNotFoundException } from '../api/errors.js';
import { parseInput } from '../api/operation.js';
import { sendError } from '../api/server.js';
import type { EngineContext } from '../context.js';
import type { Recommendation } from '../train/recommender.js';
import { itemListJson, rankedItemListJson, roundScore } from './itemListJson.js';
import type { LiveDeployment } from './liveDeployments.js';
import { echo } from '../../shared/echo.js';

const JSON_CONTENT = 'application/json';
/** The service caps numResults at 500 and defaults it to 25. */
const MAX_RESULTS = 500;
const DEFAULT_RESULTS = 25;

const getRecommendations = z.object({
  campaignArn: z.string().optional(),
  recommenderArn: z.string().optional(),
  userId: z.string().min(1).max(256).optional(),
  itemId: z.string().min(1).max(256).optional(),
  numResults: z.number().int().min(0).max(MAX_RESULTS).optional(),
  context: z.record(z.string(), z.string()).optional(),
  filterArn: z.string().optional(),
  filterValues: z.record(z.string(), z.string()).optional(),
  metadataColumns: z.record(z.string(), z.array(z.string())).optional(),
  promotions: z.array(z.unknown()).optional(),
});

const getPersonalizedRanking = z.object({
  campaignArn: z.string(),
  userId: z.string().min(1).max(256),
  inputList: z.array(z.string().min(1).max(256)).min(1).max(MAX_RESULTS),
  context: z.record(z.string(), z.string()).optional(),
  filterArn: z.string().optional(),
  filterValues: z.record(z.string(), z.string()).optional(),
  metadataColumns: z.record(z.string(), z.array(z.string())).optional(),
});

type RecommendationsInput = z.infer<typeof getRecommendations>;

/**
 * The runtime API (`@aws-sdk/client-personalize-runtime`, REST JSON) on the same port as the control
 * plane: GetRecommendations and GetPersonalizedRanking, answered from the campaign's live deployment.
 */
export function registerRuntimeRoutes(app: FastifyInstance, ctx: EngineContext): void {
  app.post('/recommendations', async (request, reply) => {
    try {
      const input = parseInput(getRecommendations, request.body);
      refuseFilters(input);
      const deployment = liveDeploymentFor(ctx, input.campaignArn);
      const numResults = input.numResults ?? DEFAULT_RESULTS;
      const key = `${input.userId ?? ''}\u0000${input.itemId ?? ''}\u0000${numResults}`;
      let itemList = deployment.answers.get(key);
      if (itemList === undefined) {
        itemList = recommend(deployment, input, numResults);
        deployment.answers.set(key, itemList);
      }
      return await reply
        .type(JSON_CONTENT)
        .send(`{"itemList":${itemList},"recommendationId":"${newRecommendationId()}"}`);
    } catch (error) {
      return sendError(reply, error, ctx, 'GetRecommendations');
    }
  });

  app.post('/personalize-ranking', async (request, reply) => {
    try {
      const input = parseInput(getPersonalizedRanking, request.body);
      refuseFilters(input);
      const deployment = liveDeploymentFor(ctx, input.campaignArn);
      const ranked = deployment.recommender.rank(input.userId, input.inputList);
      return await reply.type(JSON_CONTENT).send(JSON.stringify(answer('personalizedRanking', ranked)));
    } catch (error) {
      return sendError(reply, error, ctx, 'GetPersonalizedRanking');
    }
  });
}

/** The answer's `itemList` as JSON text. */
function recommend(deployment: LiveDeployment, input: RecommendationsInput, numResults: number): string {
  const { recommender } = deployment;
  const algorithm = recommender.model.algorithm;
  if (algorithm === 'similar-items') {
    if (input.itemId === undefined) {
      throw new InvalidInputException('itemId is required for a campaign of a similar-items recipe.');
    }
    return itemListJson(recommender.similarItems(input.itemId, numResults));
  }
  if (algorithm === 'personalized-ranking') {
    throw new InvalidInputException(
      'This campaign serves a personalized-ranking recipe: call GetPersonalizedRanking with an inputList instead.',
    );
  }
  if (input.userId === undefined) {
    throw new InvalidInputException(`userId is required for a campaign of the ${algorithm} recipe.`);
  }
  const exploration = algorithm === 'user-personalization' ? deployment.exploration : undefined;
  return rankedItemListJson(
    recommender.model,
    recommender.rankedForUser(input.userId, numResults, exploration ? { exploration } : {}),
  );
}

/**
 * The engine has no filters (CreateFilter is not implemented), so any filter ARN names nothing; the
 * request is refused rather than answered unfiltered, which could show items the filter must hide.
 */
function refuseFilters(input: { filterArn?: string | undefined; promotions?: unknown[] | undefined }): void {
  if (input.filterArn !== undefined) {
    throw new RuntimeResourceNotFoundException(
      `Filter ${echo(input.filterArn)} does not exist: the engine does not implement filters; call without filterArn.`,
    );
  }
  if (input.promotions !== undefined && input.promotions.length > 0) {
    throw new InvalidInputException(
      'promotions need filters, which the engine does not implement; call without promotions.',
    );
  }
}

function liveDeploymentFor(ctx: EngineContext, campaignArn: string | undefined): LiveDeployment {
  if (campaignArn === undefined) {
    throw new InvalidInputException(
      'campaignArn is required: the engine has no recommenders (recommenderArn).',
    );
  }
  const deployment = ctx.deployments.get(campaignArn) ?? ctx.deployments.restore(campaignArn);
  if (!deployment)
    throw new RuntimeResourceNotFoundException(
      `Campaign ${echo(campaignArn)} does not exist or is not ACTIVE.`,
    );
  return deployment;
}

function predictedItem(item: Recommendation): { itemId: string; score: number } {
  return { itemId: item.itemId, score: roundScore(item.score) };
}

function newRecommendationId(): string {
  return `RID-${randomUUID()}`;
}

function answer(field: 'personalizedRanking', items: readonly Recommendation[]): Record<string, unknown> {
  return { [field]: items.map(predictedItem), recommendationId: newRecommendationId() };
}
