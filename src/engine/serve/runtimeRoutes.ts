import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InvalidInputException, RuntimeResourceNotFoundException } from '../api/errors.js';
import { parseInput } from '../api/operation.js';
import { sendError } from '../api/server.js';
import type { EngineContext } from '../context.js';
import type { AttributeTable } from '../filter/attributeTable.js';
import type { RecommendOptions } from '../train/recommender.js';
import type { LiveDeployment } from './liveDeployments.js';
import { datasetGroupOf, personalizationFor } from './requestPersonalization.js';
import {
  itemMetadata,
  requestedMetadataColumns,
  withItemMetadata,
  type MetadataColumns,
} from './itemMetadata.js';
import { rankingScores, recommendationListJson, similarItemsListJson } from './scoreSemantics.js';
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

/** The runtime operations by name, with their path and input schema (the fuzz test walks these). */
export const RUNTIME_OPERATIONS = {
  GetRecommendations: { path: '/recommendations', input: getRecommendations },
  GetPersonalizedRanking: { path: '/personalize-ranking', input: getPersonalizedRanking },
} as const;

/**
 * The runtime API (`@aws-sdk/client-personalize-runtime`, REST JSON) on the same port as the control
 * plane: GetRecommendations and GetPersonalizedRanking, answered from the campaign's live deployment.
 */
export function registerRuntimeRoutes(app: FastifyInstance, ctx: EngineContext): void {
  app.post(RUNTIME_OPERATIONS.GetRecommendations.path, async (request, reply) => {
    try {
      const input = parseInput(getRecommendations, request.body);
      refusePromotions(input);
      const deployment = liveDeploymentFor(ctx, input.campaignArn);
      const numResults = input.numResults ?? DEFAULT_RESULTS;
      const metadata = metadataOf(ctx, deployment, input.metadataColumns);
      const personalization = personalizationFor(ctx, deployment, input);
      const key = `${input.userId ?? ''}\u0000${input.itemId ?? ''}\u0000${numResults}\u0000${personalization.cacheKey}${metadata?.key ?? ''}`;
      let itemList = deployment.answers.get(key);
      if (itemList === undefined) {
        itemList = recommend(deployment, input, numResults, personalization.options);
        if (metadata) itemList = withItemMetadata(itemList, metadata.table, metadata.columns);
        deployment.answers.offer(key, itemList);
      }
      return await reply
        .type(JSON_CONTENT)
        .send(`{"itemList":${itemList},"recommendationId":"${newRecommendationId()}"}`);
    } catch (error) {
      return sendError(reply, error, ctx, 'GetRecommendations');
    }
  });

  app.post(RUNTIME_OPERATIONS.GetPersonalizedRanking.path, async (request, reply) => {
    try {
      const input = parseInput(getPersonalizedRanking, request.body);
      const deployment = liveDeploymentFor(ctx, input.campaignArn);
      const algorithm = deployment.recommender.model.algorithm;
      if (algorithm !== 'personalized-ranking') {
        throw new InvalidInputException(
          `GetPersonalizedRanking needs a campaign of a personalized-ranking recipe; this campaign serves ${algorithm}. Call GetRecommendations instead.`,
        );
      }
      const metadata = metadataOf(ctx, deployment, input.metadataColumns);
      const { eligible } = personalizationFor(ctx, deployment, input).options;
      // A filter removes items from the list; items the model does not know are not filtered out.
      const inputList = eligible
        ? input.inputList.filter((itemId) => {
            const item = deployment.recommender.itemIndexOf(itemId);
            return item === undefined || eligible.has(item);
          })
        : input.inputList;
      const ranked = deployment.recommender.rank(input.userId, inputList);
      return await reply.type(JSON_CONTENT).send(
        JSON.stringify({
          personalizedRanking: rankingScores(deployment.recommender, input.userId, ranked).map((item) =>
            metadata
              ? { ...item, metadata: itemMetadata(metadata.table, metadata.columns, item.itemId) }
              : item,
          ),
          recommendationId: newRecommendationId(),
        }),
      );
    } catch (error) {
      return sendError(reply, error, ctx, 'GetPersonalizedRanking');
    }
  });
}

/** The item metadata a request asks for: checked columns, the Items data to read, and a cache key part. */
function metadataOf(
  ctx: EngineContext,
  deployment: LiveDeployment,
  metadataColumns: Record<string, string[]> | undefined,
): { columns: MetadataColumns; table: AttributeTable; key: string } | undefined {
  const groupArn = metadataColumns === undefined ? undefined : datasetGroupOf(ctx, deployment);
  const group = groupArn === undefined ? undefined : ctx.groupData.get(groupArn);
  const columns = requestedMetadataColumns(metadataColumns, deployment.metadataEnabled, group);
  if (!columns || !group) return undefined;
  return {
    columns,
    table: group.itemTable(),
    key: `\u0000metadata\u0000${JSON.stringify(columns.requested)}\u0000${group.stamp}`,
  };
}

/** The answer's `itemList` as JSON text. */
function recommend(
  deployment: LiveDeployment,
  input: RecommendationsInput,
  numResults: number,
  options: Pick<RecommendOptions, 'eligible' | 'userVector'>,
): string {
  const { recommender } = deployment;
  const algorithm = recommender.model.algorithm;
  if (algorithm === 'similar-items') {
    if (input.itemId === undefined) {
      throw new InvalidInputException('itemId is required for a campaign of a similar-items recipe.');
    }
    return similarItemsListJson(recommender.similarItems(input.itemId, numResults, options.eligible));
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
  const ranked = recommender.rankedForUser(input.userId, numResults, {
    ...options,
    ...(exploration ? { exploration } : {}),
  });
  return recommendationListJson(recommender, input.userId, ranked, options.userVector);
}

/** Promotions are not implemented: refused rather than answered without them. */
function refusePromotions(input: { promotions?: unknown[] | undefined }): void {
  if (input.promotions !== undefined && input.promotions.length > 0) {
    throw new InvalidInputException('promotions are not supported by the engine; call without promotions.');
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

function newRecommendationId(): string {
  return `RID-${randomUUID()}`;
}
