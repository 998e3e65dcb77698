import { InvalidInputException, RuntimeResourceNotFoundException } from '../api/errors.js';
import { validateArn } from '../api/arn.js';
import type { EngineContext } from '../context.js';
import { foldInUser } from '../events/userFolding.js';
import { eligibleItems } from '../filter/itemEligibility.js';
import { datasetGroupOfCampaignVersion } from '../store/datasetGroupContents.js';
import { findFilter, type FilterRecord } from '../store/filterRecords.js';
import { recentEventsOfUser, type StoredEvent } from '../store/recordedDataRecords.js';
import { ItemSet } from '../train/itemSet.js';
import type { RecommendOptions } from '../train/recommender.js';
import type { LiveDeployment } from './liveDeployments.js';

/** How many of a user's newest recorded events shape their recommendations in real time. */
export const REAL_TIME_EVENTS_PER_USER = 100;

export interface PersonalizationRequest {
  readonly userId?: string | undefined;
  readonly filterArn?: string | undefined;
  readonly filterValues?: Readonly<Record<string, string>> | undefined;
}

/** What a request adds to the deployed model: a filter's verdict and the user's events since training. */
export interface Personalization {
  /** `eligible` also leaves out the items the user interacted with since training. */
  readonly options: Pick<RecommendOptions, 'eligible' | 'userVector'>;
  /**
   * Everything besides the request fields that decides the answer, for the answer cache's key: the
   * data a filter reads and the user's recorded events, so a new event is never answered from an
   * entry computed before it.
   */
  readonly cacheKey: string;
}

const groupOfVersion = new Map<string, string | undefined>();

/** The dataset group of the version a deployment serves, looked up once per version. */
export function datasetGroupOf(ctx: EngineContext, deployment: LiveDeployment): string | undefined {
  if (!groupOfVersion.has(deployment.solutionVersionArn))
    groupOfVersion.set(
      deployment.solutionVersionArn,
      datasetGroupOfCampaignVersion(ctx.db, deployment.solutionVersionArn),
    );
  return groupOfVersion.get(deployment.solutionVersionArn);
}

/** Finds an ACTIVE filter of the campaign's dataset group, failing as the runtime API does. */
export function requireServingFilter(
  ctx: EngineContext,
  filterArn: string,
  datasetGroupArn: string | undefined,
): FilterRecord {
  validateArn(filterArn, 'filterArn');
  const filter = findFilter(ctx.db, filterArn);
  if (!filter || filter.status !== 'ACTIVE')
    throw new RuntimeResourceNotFoundException(`Filter ${filterArn} does not exist or is not ACTIVE.`);
  if (datasetGroupArn !== undefined && filter.datasetGroupArn !== datasetGroupArn) {
    throw new InvalidInputException(
      `Filter ${filterArn} belongs to dataset group ${filter.datasetGroupArn}, not to the campaign's (${datasetGroupArn}).`,
    );
  }
  return filter;
}

/** The user's newest recorded events in the group's Interactions dataset (none without one). */
function recordedEventsOf(ctx: EngineContext, groupArn: string, userId: string): StoredEvent[] {
  if (!ctx.groupData.mayHaveRecordedEvents(groupArn, userId)) return [];
  const interactions = ctx.groupData.get(groupArn).datasets.get('INTERACTIONS');
  return interactions ? recentEventsOfUser(ctx.db, interactions.arn, userId, REAL_TIME_EVENTS_PER_USER) : [];
}

export function personalizationFor(
  ctx: EngineContext,
  deployment: LiveDeployment,
  request: PersonalizationRequest,
): Personalization {
  const model = deployment.recommender.model;
  const groupArn = datasetGroupOf(ctx, deployment);
  const options: { eligible?: ItemSet; userVector?: Float32Array } = {};
  let cacheKey = '';
  if (request.filterArn !== undefined) {
    const filter = requireServingFilter(ctx, request.filterArn, groupArn);
    // One look at the group's data stamp serves both the verdict and the cache key.
    const filterGroup = ctx.groupData.get(filter.datasetGroupArn);
    options.eligible = eligibleItems(
      ctx,
      { filter, filterValues: request.filterValues, userId: request.userId },
      model.itemIds,
      filterGroup,
    );
    cacheKey += `${filter.arn}\u0000${JSON.stringify(request.filterValues ?? {})}\u0000${filterGroup.stamp}`;
  }
  if (request.userId !== undefined && groupArn !== undefined) {
    cacheKey += `\u0000${ctx.groupData.userEventsVersion(groupArn, request.userId)}`;
    const events = recordedEventsOf(ctx, groupArn, request.userId);
    const weights = new Map<number, number>();
    for (const event of events) {
      const item = event.itemId === null ? undefined : deployment.recommender.itemIndexOf(event.itemId);
      if (item !== undefined) weights.set(item, (weights.get(item) ?? 0) + 1);
    }
    if (weights.size > 0) {
      // A filter's set may be shared with other requests: this user's copy leaves out their new items.
      const eligible = options.eligible?.copy() ?? ItemSet.all(model.itemIds.length);
      for (const item of weights.keys()) eligible.delete(item);
      options.eligible = eligible;
      if (model.algorithm === 'user-personalization') {
        const user = deployment.recommender.userIndexOf(request.userId);
        if (user !== undefined)
          for (let e = model.seenPtr[user]!; e < model.seenPtr[user + 1]!; e++) {
            const item = model.seenItems[e]!;
            weights.set(item, (weights.get(item) ?? 0) + 1);
          }
        options.userVector = foldInUser(model, weights);
      }
    }
  }
  return { options, cacheKey };
}
