import type { Recommender } from '../train/recommender.js';
import type { Recommendation } from '../train/recommender.js';

/** An item of an answer as the service sends it: some recipes give no score at all. */
export interface ServedItem {
  readonly itemId: string;
  readonly score?: number;
}

/**
 * Scores as the service reports them for GetRecommendations: user-personalization gives each item its
 * share of a softmax over the whole catalogue (0–1; all items together sum to 1, so a list sums to at
 * most 1, best first); a user the model cannot score gets the popular items with their popularity
 * share. Popularity-count and similar-items recipes give no score.
 */
export function recommendationScores(
  recommender: Recommender,
  items: readonly Recommendation[],
): ServedItem[] {
  const algorithm = recommender.model.algorithm;
  if (algorithm !== 'user-personalization') return items.map(({ itemId }) => ({ itemId }));
  const softmax = recommender.catalogueSoftmax();
  if (!softmax) return items.map(({ itemId, score }) => ({ itemId, score: rounded(score) }));
  return items.map(({ itemId, score }) => ({
    itemId,
    score: rounded(Math.exp(score - softmax.max) / softmax.sum),
  }));
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
      score: recommender.hasItem(itemId) ? rounded(score / total) : 0,
    }));
  }
  const max = Math.max(...known.map((item) => item.score));
  const sum = known.reduce((total, item) => total + Math.exp(item.score - max), 0);
  return ranked.map(({ itemId, score }) => ({
    itemId,
    score: recommender.hasItem(itemId) ? rounded(Math.exp(score - max) / sum) : 0,
  }));
}

/** The service reports scores with a handful of significant digits. */
function rounded(score: number): number {
  return Number.isFinite(score) ? Number(score.toPrecision(7)) : 0;
}
