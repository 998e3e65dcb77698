import { explorationCandidates, mixExploration, type ExplorationSettings } from './exploration.js';
import type { TrainedModel } from './model.js';
import { topK } from './topK.js';

export interface Recommendation {
  readonly itemId: string;
  /** The model's raw score (dot product, cosine, or popularity share); higher is better. */
  readonly score: number;
}

export interface RecommendOptions {
  /** Mix new or rarely seen items into the results (`itemExplorationConfig`); off when absent. */
  readonly exploration?: ExplorationSettings;
  /** Model items that may appear (1) or not (0), as a filter decided; all when absent. */
  readonly eligible?: Uint8Array;
  /**
   * The user's vector with their real-time events folded in (factor models): scores instead of the
   * trained vector, and lets a user unknown to the model be scored too.
   */
  readonly userVector?: Float32Array;
  /** Model items the user interacted with since training, left out like the trained ones. */
  readonly recentItems?: readonly number[];
}

/** How many of a user's latest items drive similar-items recommendations for that user. */
const SIMILAR_ITEMS_QUERY_LENGTH = 20;

/**
 * Answers recommendation queries from a trained model: the runtime API's GetRecommendations (by user or
 * by item) and GetPersonalizedRanking, and the offline evaluation. Holds lookup maps and one scratch
 * score buffer, so a query allocates little beyond its result. Not safe to share across threads.
 */
export class Recommender {
  private readonly userIndex: Map<string, number>;
  private readonly itemIndex: Map<string, number>;
  private readonly scores: Float64Array;
  private popularOrder: Int32Array | undefined;
  private totalWeight: number | undefined;
  private readonly candidatesByCutoff = new Map<number, Int32Array>();
  private softmax: { readonly max: number; readonly sum: number } | undefined;

  constructor(readonly model: TrainedModel) {
    this.userIndex = new Map(model.userIds.map((id, index) => [id, index]));
    this.itemIndex = new Map(model.itemIds.map((id, index) => [id, index]));
    this.scores = new Float64Array(model.itemIds.length);
  }

  userIndexOf(userId: string): number | undefined {
    return this.userIndex.get(userId);
  }

  itemIndexOf(itemId: string): number | undefined {
    return this.itemIndex.get(itemId);
  }

  /** Item indices of the `k` most popular items. */
  popularIndices(k: number): Int32Array {
    this.popularOrder ??= topK(this.model.itemWeight, this.model.itemIds.length);
    return this.popularOrder.subarray(0, k);
  }

  hasUser(userId: string): boolean {
    return this.userIndex.has(userId);
  }

  hasItem(itemId: string): boolean {
    return this.itemIndex.has(itemId);
  }

  /** Most popular items, for everyone; what unknown users get, as in the service. */
  popular(numResults: number, exclude?: ReadonlySet<number>, eligible?: Uint8Array): Recommendation[] {
    this.popularOrder ??= topK(this.model.itemWeight, this.model.itemIds.length);
    this.totalWeight ??= this.model.itemWeight.reduce((sum, w) => sum + w, 0) || 1;
    const total = this.totalWeight;
    const out: Recommendation[] = [];
    for (const item of this.popularOrder) {
      if (out.length >= numResults) break;
      if (exclude?.has(item) || (eligible && eligible[item] === 0)) continue;
      out.push({ itemId: this.model.itemIds[item]!, score: this.model.itemWeight[item]! / total });
    }
    return out;
  }

  /** Top items for a user, excluding what they interacted with in training; popular items if unknown. */
  recommendForUser(userId: string, numResults: number, options: RecommendOptions = {}): Recommendation[] {
    const user = this.userIndex.get(userId);
    const { model } = this;
    const recent = options.recentItems ?? [];
    const vector =
      model.algorithm === 'user-personalization' || model.algorithm === 'personalized-ranking'
        ? options.userVector
        : undefined;
    this.softmax = undefined;
    if (user === undefined && !vector) return this.popular(numResults, new Set(recent), options.eligible);
    const { exploration, eligible } = options;
    const ranked = Array.from(this.rankIndices(user, vector, numResults, recent, eligible));
    const seenItems =
      user === undefined ? [] : model.seenItems.subarray(model.seenPtr[user]!, model.seenPtr[user + 1]!);
    let items = ranked;
    if (exploration && exploration.weight > 0) {
      const seen = new Set([...seenItems, ...recent]);
      items = mixExploration(
        ranked,
        this.explorationCandidates(exploration.itemAgeCutOffDays),
        exploration.weight,
        numResults,
        (item) => seen.has(item) || (eligible !== undefined && eligible[item] === 0),
        `${userId}`,
      );
    }
    if (items.length < numResults && ranked.length < numResults && user === undefined) {
      // A folded-in new user: fewer positive scores than asked; fill with popular items, as for anyone new.
      const used = new Set([...items, ...recent]);
      for (const extra of this.popular(numResults - items.length, used, eligible))
        items.push(this.itemIndex.get(extra.itemId)!);
    }
    // recommendIndices left every unseen item's score in the buffer; explored items are never seen ones.
    return items.map((item) => ({ itemId: model.itemIds[item]!, score: this.scores[item]! }));
  }

  /** Item indices of a known user's top `k`, seen items excluded; the offline evaluation's query. */
  recommendIndices(user: number, k: number): Int32Array {
    return this.rankIndices(user, undefined, k, [], undefined);
  }

  private rankIndices(
    user: number | undefined,
    vector: Float32Array | undefined,
    k: number,
    recent: readonly number[],
    eligible: Uint8Array | undefined,
  ): Int32Array {
    const { model, scores } = this;
    if (vector) this.scoreVector(vector, 0);
    else this.scoreUser(user!);
    this.softmax =
      vector ||
      this.model.algorithm === 'user-personalization' ||
      this.model.algorithm === 'personalized-ranking'
        ? softmaxOf(scores)
        : undefined;
    if (user !== undefined)
      for (let e = model.seenPtr[user]!; e < model.seenPtr[user + 1]!; e++)
        scores[model.seenItems[e]!] = -Infinity;
    for (const item of recent) scores[item] = -Infinity;
    if (eligible)
      for (let item = 0; item < scores.length; item++) if (eligible[item] === 0) scores[item] = -Infinity;
    return topK(scores, k);
  }

  /**
   * For factor models: the maximum and Σ exp(score − max) over every item of the catalogue for the
   * last user query, before any exclusion, so the serving layer can turn raw scores into the service's
   * catalogue-wide probabilities.
   */
  catalogueSoftmax(): { readonly max: number; readonly sum: number } | undefined {
    return this.softmax;
  }

  /** Items like the given one (GetRecommendations with itemId); popular items if the item is unknown. */
  similarItems(itemId: string, numResults: number, eligible?: Uint8Array): Recommendation[] {
    const item = this.itemIndex.get(itemId);
    if (item === undefined) return this.popular(numResults, undefined, eligible);
    const { model } = this;
    const out: Recommendation[] = [];
    const used = new Set<number>([item]);
    if (model.algorithm === 'similar-items') {
      for (
        let e = model.neighborPtr[item]!;
        e < model.neighborPtr[item + 1]! && out.length < numResults;
        e++
      ) {
        used.add(model.neighbors[e]!);
        if (eligible && eligible[model.neighbors[e]!] === 0) continue;
        out.push({ itemId: model.itemIds[model.neighbors[e]!]!, score: model.neighborScores[e]! });
      }
    } else if (model.algorithm !== 'popularity-count') {
      const k = model.factors;
      const base = item * k;
      for (let other = 0; other < model.itemIds.length; other++) {
        let dot = 0;
        for (let f = 0; f < k; f++) dot += model.itemFactors[base + f]! * model.itemFactors[other * k + f]!;
        this.scores[other] = dot;
      }
      this.scores[item] = -Infinity;
      if (eligible)
        for (let other = 0; other < eligible.length; other++)
          if (eligible[other] === 0) this.scores[other] = -Infinity;
      for (const other of topK(this.scores, numResults)) {
        used.add(other);
        out.push({ itemId: model.itemIds[other]!, score: this.scores[other]! });
      }
    }
    return out.length >= numResults
      ? out
      : [...out, ...this.popular(numResults - out.length, used, eligible)];
  }

  /**
   * Orders `itemIds` for the user, best first (GetPersonalizedRanking). Items the model does not know
   * keep their input order after the known ones; an unknown user gets the list by popularity.
   */
  rank(userId: string, itemIds: readonly string[]): Recommendation[] {
    const user = this.userIndex.get(userId);
    if (user === undefined) {
      const weightOf = (id: string) => {
        const item = this.itemIndex.get(id);
        return item === undefined ? -1 : this.model.itemWeight[item]!;
      };
      return itemIds
        .map((itemId, position) => ({ itemId, score: weightOf(itemId), position }))
        .sort((a, b) => b.score - a.score || a.position - b.position)
        .map(({ itemId, score }) => ({ itemId, score: Math.max(score, 0) }));
    }
    this.scoreUser(user);
    return itemIds
      .map((itemId, position) => {
        const item = this.itemIndex.get(itemId);
        return {
          itemId,
          known: item !== undefined,
          score: item === undefined ? 0 : this.scores[item]!,
          position,
        };
      })
      .sort((a, b) => Number(b.known) - Number(a.known) || b.score - a.score || a.position - b.position)
      .map(({ itemId, score }) => ({ itemId, score }));
  }

  /** Fills the scratch buffer with the model's score of every item for the user. */
  private scoreUser(user: number): void {
    const { model, scores } = this;
    const itemCount = model.itemIds.length;
    if (model.algorithm === 'popularity-count') {
      scores.set(model.itemWeight);
      return;
    }
    if (model.algorithm === 'similar-items') {
      // A tiny popularity prior orders the items no neighbour list reaches.
      let maxWeight = 0;
      for (let i = 0; i < itemCount; i++) maxWeight = Math.max(maxWeight, model.itemWeight[i]!);
      for (let i = 0; i < itemCount; i++) scores[i] = (1e-6 * model.itemWeight[i]!) / (maxWeight || 1);
      const end = model.seenPtr[user + 1]!;
      for (let e = Math.max(model.seenPtr[user]!, end - SIMILAR_ITEMS_QUERY_LENGTH); e < end; e++) {
        const item = model.seenItems[e]!;
        for (let n = model.neighborPtr[item]!; n < model.neighborPtr[item + 1]!; n++) {
          scores[model.neighbors[n]!]! += model.neighborScores[n]!;
        }
      }
      return;
    }
    this.scoreVector(model.userFactors, user * model.factors);
  }

  /** Scores every item against the factor vector at `vectors[offset ..]` (factor models only). */
  private scoreVector(vectors: Float32Array, offset: number): void {
    const { model, scores } = this;
    if (model.algorithm !== 'user-personalization' && model.algorithm !== 'personalized-ranking') return;
    const k = model.factors;
    const { itemFactors } = model;
    const itemCount = model.itemIds.length;
    for (let item = 0; item < itemCount; item++) {
      const io = item * k;
      let dot = 0;
      for (let f = 0; f < k; f++) dot += vectors[offset + f]! * itemFactors[io + f]!;
      scores[item] = dot;
    }
  }

  private explorationCandidates(cutoffDays: number): Int32Array {
    let candidates = this.candidatesByCutoff.get(cutoffDays);
    if (!candidates) {
      candidates = explorationCandidates(this.model, cutoffDays);
      this.candidatesByCutoff.set(cutoffDays, candidates);
    }
    return candidates;
  }
}

function softmaxOf(scores: Float64Array): { max: number; sum: number } {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > max) max = scores[i]!;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += Math.exp(scores[i]! - max);
  return { max, sum };
}
