import { explorationCandidates, mixExploration, type ExplorationSettings } from './exploration.js';
import { FactorScorer, type RankedItems } from './factorScoring.js';
import { ItemSet } from './itemSet.js';
import type { TrainedModel } from './model.js';
import { topK } from './topK.js';

export type { RankedItems } from './factorScoring.js';

export interface Recommendation {
  readonly itemId: string;
  /** The model's raw score (dot product, cosine, or popularity share); higher is better. */
  readonly score: number;
}

export interface RecommendOptions {
  /** Mix new or rarely seen items into the results (`itemExplorationConfig`); off when absent. */
  readonly exploration?: ExplorationSettings;
  /**
   * Only these items may be returned (ranked, explored or popular); all items when absent. The hook
   * for filters: `eligibleItems` builds it per filter, values and model.
   */
  readonly eligible?: ItemSet;
  /**
   * Score with this vector (`factors` numbers) instead of the user's trained factors, e.g. one updated
   * from recent events; it applies to users the model does not know, too. ALS models only. The user's
   * training items stay excluded when the model knows the user.
   */
  readonly userVector?: ArrayLike<number>;
}

/** A query vector: `factors` numbers of `values` from `offset`. */
interface FactorVector {
  readonly values: ArrayLike<number>;
  readonly offset: number;
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
  /** ALS models: the pruned top-k over their item factors. */
  private readonly scorer: FactorScorer | undefined;
  /** Scratch: the querying user's seen items, set for one query and cleared after it. */
  private readonly seen: ItemSet;

  constructor(readonly model: TrainedModel) {
    this.userIndex = new Map(model.userIds.map((id, index) => [id, index]));
    this.itemIndex = new Map(model.itemIds.map((id, index) => [id, index]));
    this.scores = new Float64Array(model.itemIds.length);
    this.seen = new ItemSet(model.itemIds.length);
    if (model.algorithm === 'user-personalization' || model.algorithm === 'personalized-ranking') {
      this.scorer = new FactorScorer(model.itemFactors, model.factors);
    }
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
  popular(numResults: number, exclude?: ReadonlySet<number>): Recommendation[] {
    return this.recommendations(this.popularRanked(numResults, exclude && ((item) => exclude.has(item))));
  }

  /** Top items for a user, excluding what they interacted with in training; popular items if unknown. */
  recommendForUser(userId: string, numResults: number, options: RecommendOptions = {}): Recommendation[] {
    return this.recommendations(this.rankedForUser(userId, numResults, options));
  }

  /**
   * `recommendForUser` as item indices and scores, without an object per item: what serving
   * serializes. Items are indices into `model.itemIds`.
   */
  rankedForUser(userId: string, numResults: number, options: RecommendOptions = {}): RankedItems {
    const { model } = this;
    const { eligible, exploration, userVector } = options;
    const user = this.userIndex.get(userId);
    const vector = userVector
      ? this.overrideVector(userVector)
      : user === undefined
        ? undefined
        : this.userFactorsOf(user);
    if (vector === undefined && user === undefined) {
      return this.popularRanked(numResults, eligible && ((item) => !eligible.has(item)));
    }
    const { seen } = this;
    const seenStart = user === undefined ? 0 : model.seenPtr[user]!;
    const seenEnd = user === undefined ? 0 : model.seenPtr[user + 1]!;
    for (let e = seenStart; e < seenEnd; e++) seen.add(model.seenItems[e]!);
    try {
      const ranked =
        this.scorer && vector
          ? this.scorer.topK(vector.values, vector.offset, numResults, seen, eligible)
          : this.rankedByScores(user!, numResults, eligible);
      if (!exploration || exploration.weight <= 0) return ranked;
      const items = mixExploration(
        ranked.items,
        this.explorationCandidates(exploration.itemAgeCutOffDays),
        exploration.weight,
        numResults,
        (item) => seen.has(item) || (eligible !== undefined && !eligible.has(item)),
        `${userId}`,
      );
      // The mix keeps the ranked items in their order, so their scores are read alongside.
      const scores = new Float64Array(items.length);
      let next = 0;
      for (let at = 0; at < items.length; at++) {
        const item = items[at]!;
        scores[at] = item === ranked.items[next] ? ranked.scores[next++]! : this.scoreOf(user, vector, item);
      }
      return { items, scores };
    } finally {
      for (let e = seenStart; e < seenEnd; e++) seen.delete(model.seenItems[e]!);
    }
  }

  /** Item indices of a known user's top `k`, seen items excluded; the offline evaluation's query. */
  recommendIndices(user: number, k: number): Int32Array {
    const { model, seen } = this;
    const vector = this.userFactorsOf(user);
    if (!this.scorer || !vector) return this.rankedByScores(user, k).items;
    const end = model.seenPtr[user + 1]!;
    for (let e = model.seenPtr[user]!; e < end; e++) seen.add(model.seenItems[e]!);
    try {
      return this.scorer.topK(vector.values, vector.offset, k, seen).items;
    } finally {
      for (let e = model.seenPtr[user]!; e < end; e++) seen.delete(model.seenItems[e]!);
    }
  }

  /** Items like the given one (GetRecommendations with itemId); popular items if the item is unknown. */
  similarItems(itemId: string, numResults: number, eligible?: ItemSet): Recommendation[] {
    const item = this.itemIndex.get(itemId);
    const filteredOut = eligible && ((other: number) => !eligible.has(other));
    if (item === undefined) return this.recommendations(this.popularRanked(numResults, filteredOut));
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
        if (filteredOut?.(model.neighbors[e]!)) continue;
        out.push({ itemId: model.itemIds[model.neighbors[e]!]!, score: model.neighborScores[e]! });
      }
    } else if (this.scorer && model.algorithm !== 'popularity-count') {
      const { seen } = this;
      seen.add(item);
      const similar = this.scorer.topK(model.itemFactors, item * model.factors, numResults, seen, eligible);
      seen.delete(item);
      similar.items.forEach((other) => used.add(other));
      out.push(...this.recommendations(similar));
    }
    if (out.length >= numResults) return out;
    const fill = this.popularRanked(
      numResults - out.length,
      (other) => used.has(other) || !!filteredOut?.(other),
    );
    return [...out, ...this.recommendations(fill)];
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
    const vector = this.userFactorsOf(user);
    if (!vector) this.scoreUser(user);
    return itemIds
      .map((itemId, position) => {
        const item = this.itemIndex.get(itemId);
        const score = item === undefined ? 0 : vector ? this.scoreOf(user, vector, item) : this.scores[item]!;
        return { itemId, known: item !== undefined, score, position };
      })
      .sort((a, b) => Number(b.known) - Number(a.known) || b.score - a.score || a.position - b.position)
      .map(({ itemId, score }) => ({ itemId, score }));
  }

  /** Objects for a ranked list; the public methods' result shape. */
  private recommendations(ranked: RankedItems): Recommendation[] {
    const { itemIds } = this.model;
    return Array.from(ranked.items, (item, at) => ({ itemId: itemIds[item]!, score: ranked.scores[at]! }));
  }

  private popularRanked(numResults: number, excluded?: (item: number) => boolean): RankedItems {
    this.popularOrder ??= topK(this.model.itemWeight, this.model.itemIds.length);
    this.totalWeight ??= this.model.itemWeight.reduce((sum, w) => sum + w, 0) || 1;
    const items: number[] = [];
    for (const item of this.popularOrder) {
      if (items.length >= numResults) break;
      if (!excluded?.(item)) items.push(item);
    }
    const total = this.totalWeight;
    return {
      items: Int32Array.from(items),
      scores: Float64Array.from(items, (item) => this.model.itemWeight[item]! / total),
    };
  }

  /** Where a known user's trained factors start; undefined for models without factors. */
  private userFactorsOf(user: number): FactorVector | undefined {
    const { model } = this;
    if (model.algorithm !== 'user-personalization' && model.algorithm !== 'personalized-ranking') return;
    return { values: model.userFactors, offset: user * model.factors };
  }

  private overrideVector(values: ArrayLike<number>): FactorVector {
    if (!this.scorer) {
      throw new RangeError(`userVector needs an ALS model; this one is ${this.model.algorithm}`);
    }
    if (values.length !== this.scorer.factors) {
      throw new RangeError(
        `userVector has ${values.length} numbers; the model has ${this.scorer.factors} factors`,
      );
    }
    return { values, offset: 0 };
  }

  private scoreOf(user: number | undefined, vector: FactorVector | undefined, item: number): number {
    if (this.scorer && vector) return this.scorer.score(vector.values, vector.offset, item);
    // Popularity and similar-items: the full scan of rankedByScores left every score in the buffer.
    return user === undefined ? 0 : this.scores[item]!;
  }

  /** Top `k` from a full score buffer: the models without factors. */
  private rankedByScores(user: number, k: number, eligible?: ItemSet): RankedItems {
    const { model, scores } = this;
    this.scoreUser(user);
    for (let e = model.seenPtr[user]!; e < model.seenPtr[user + 1]!; e++)
      scores[model.seenItems[e]!] = -Infinity;
    if (eligible)
      for (let item = 0; item < scores.length; item++) if (!eligible.has(item)) scores[item] = -Infinity;
    const items = topK(scores, k);
    return { items, scores: Float64Array.from(items, (item) => scores[item]!) };
  }

  /** Fills the scratch buffer with a popularity or similar-items model's score of every item. */
  private scoreUser(user: number): void {
    const { model, scores } = this;
    const itemCount = model.itemIds.length;
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
    scores.set(model.itemWeight);
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
