import type { FactorModel } from '../train/model.js';
import type { RankedItems, Recommendation, Recommender } from '../train/recommender.js';
import { rankedItemListJson, roundScore } from './itemListJson.js';

/** An item of an answer as the service sends it: some recipes give no score at all. */
export interface ServedItem {
  readonly itemId: string;
  readonly score?: number;
}

interface Softmax {
  readonly max: number;
  readonly sum: number;
}

/** Per model, each known user's catalogue softmax: it depends on nothing else, so it is kept. */
const softmaxByModel = new WeakMap<FactorModel, Map<number, Softmax>>();

/** The maximum and Σ exp(score − max) of a vector's scores over every item of the catalogue. */
function softmaxOf(model: FactorModel, vector: ArrayLike<number>, offset: number): Softmax {
  const k = model.factors;
  const { itemFactors } = model;
  const itemCount = model.itemIds.length;
  const scores = new Float64Array(itemCount);
  let max = -Infinity;
  for (let item = 0; item < itemCount; item++) {
    let dot = 0;
    const io = item * k;
    for (let f = 0; f < k; f++) dot += vector[offset + f]! * itemFactors[io + f]!;
    scores[item] = dot;
    if (dot > max) max = dot;
  }
  let sum = 0;
  for (let item = 0; item < itemCount; item++) sum += Math.exp(scores[item]! - max);
  return { max, sum };
}

function catalogueSoftmax(
  model: FactorModel,
  user: number | undefined,
  userVector: ArrayLike<number> | undefined,
): Softmax | undefined {
  if (userVector) return softmaxOf(model, userVector, 0);
  if (user === undefined) return undefined;
  let byUser = softmaxByModel.get(model);
  if (!byUser) softmaxByModel.set(model, (byUser = new Map()));
  let softmax = byUser.get(user);
  if (!softmax) byUser.set(user, (softmax = softmaxOf(model, model.userFactors, user * model.factors)));
  return softmax;
}

/**
 * GetRecommendations' `itemList` with scores as the service reports them: user-personalization gives
 * each item its share of a softmax of the model's scores over the whole catalogue (0–1; all items
 * together sum to 1, so a list sums to at most 1, best first); a user the model cannot score gets the
 * popular items with their popularity share. Popularity-count gives no score.
 */
export function recommendationListJson(
  recommender: Recommender,
  userId: string,
  ranked: RankedItems,
  userVector: ArrayLike<number> | undefined,
): string {
  const { model } = recommender;
  if (model.algorithm !== 'user-personalization') return unscoredJson(ranked.items, model.itemIds);
  const softmax = catalogueSoftmax(model, recommender.userIndexOf(userId), userVector);
  if (!softmax) return rankedItemListJson(model, ranked);
  const scores = new Float64Array(ranked.scores.length);
  for (let at = 0; at < scores.length; at++)
    scores[at] = Math.exp(ranked.scores[at]! - softmax.max) / softmax.sum;
  return rankedItemListJson(model, { items: ranked.items, scores });
}

/** Similar-items answers carry no score in the service. */
export function similarItemsListJson(items: readonly Recommendation[]): string {
  return JSON.stringify(items.map(({ itemId }) => ({ itemId })));
}

function unscoredJson(items: Int32Array, itemIds: readonly string[]): string {
  return JSON.stringify(Array.from(items, (item) => ({ itemId: itemIds[item]! })));
}

/**
 * GetPersonalizedRanking's scores: the same softmax, over the input items only (so they sum to 1);
 * an item the model does not know scores 0. A user the model does not know gets each item's share of
 * the input items' popularity.
 */
export function rankingScores(
  recommender: Recommender,
  userId: string,
  ranked: readonly Recommendation[],
): ServedItem[] {
  const known = ranked.filter((item) => recommender.hasItem(item.itemId));
  if (!recommender.hasUser(userId)) {
    const total = known.reduce((sum, item) => sum + item.score, 0) || 1;
    return ranked.map(({ itemId, score }) => ({
      itemId,
      score: recommender.hasItem(itemId) ? roundScore(score / total) : 0,
    }));
  }
  const max = Math.max(...known.map((item) => item.score));
  const sum = known.reduce((total, item) => total + Math.exp(item.score - max), 0);
  return ranked.map(({ itemId, score }) => ({
    itemId,
    score: recommender.hasItem(itemId) ? roundScore(Math.exp(score - max) / sum) : 0,
  }));
}
