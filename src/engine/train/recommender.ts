import {
  explorationCandidates,
  mixExploration,
  type ExplorationCandidates,
  type ExplorationSettings,
} from './exploration.js';
import type { TrainedModel } from './model.js';
import { topK } from './topK.js';

export interface Recommendation {
  readonly itemId: string;
  /** The model's raw score (dot product, cosine, or popularity share); higher is better. */
  readonly score: number;
}

/** The service reports scores with a handful of significant digits. */
export function roundScore(score: number): number {
  return Number.isFinite(score) ? Number(score.toPrecision(7)) : 0;
}

export interface RecommendOptions {
  /** Mix new or rarely seen items into the results (`itemExplorationConfig`); off when absent. */
  readonly exploration?: ExplorationSettings;
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
  private readonly candidatesByCutoff = new Map<number, ExplorationCandidates>();

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
  popular(numResults: number, exclude?: ReadonlySet<number>): Recommendation[] {
    this.popularOrder ??= topK(this.model.itemWeight, this.model.itemIds.length);
    this.totalWeight ??= this.model.itemWeight.reduce((sum, w) => sum + w, 0) || 1;
    const total = this.totalWeight;
    const out: Recommendation[] = [];
    for (const item of this.popularOrder) {
      if (out.length >= numResults) break;
      if (exclude?.has(item)) continue;
      out.push({ itemId: this.model.itemIds[item]!, score: this.model.itemWeight[item]! / total });
    }
    return out;
  }

  /** Top items for a user, excluding what they interacted with in training; popular items if unknown. */
  recommendForUser(userId: string, numResults: number, options: RecommendOptions = {}): Recommendation[] {
    const user = this.userIndex.get(userId);
    if (user === undefined) return this.popular(numResults);
    this.scoreUser(user);
    return this.recommendFromScores(user, userId, numResults, options);
  }

  /** With the user's scores in the scratch buffer: the top unseen items, exploration mixed in. */
  private recommendFromScores(
    user: number,
    userId: string,
    numResults: number,
    options: RecommendOptions,
  ): Recommendation[] {
    const { model } = this;
    const exploration = options.exploration;
    const ranked = Array.from(this.topUnseen(user, numResults));
    let items = ranked;
    if (exploration && exploration.weight > 0) {
      items = mixExploration(
        ranked,
        this.explorationCandidates(exploration.itemAgeCutOffDays),
        exploration.weight,
        numResults,
        model.seenItems.subarray(model.seenPtr[user]!, model.seenPtr[user + 1]!),
        `${userId}`,
      );
    }
    // topUnseen left every unseen item's score in the buffer; explored items are never seen ones.
    return items.map((item) => ({ itemId: model.itemIds[item]!, score: this.scores[item]! }));
  }

  /** Item indices of a known user's top `k`, seen items excluded; the offline evaluation's query. */
  recommendIndices(user: number, k: number): Int32Array {
    this.scoreUser(user);
    return this.topUnseen(user, k);
  }

  private topUnseen(user: number, k: number): Int32Array {
    const { model, scores } = this;
    for (let e = model.seenPtr[user]!; e < model.seenPtr[user + 1]!; e++)
      scores[model.seenItems[e]!] = -Infinity;
    return topK(scores, k);
  }

  /** Items like the given one (GetRecommendations with itemId); popular items if the item is unknown. */
  similarItems(itemId: string, numResults: number): Recommendation[] {
    const item = this.itemIndex.get(itemId);
    if (item === undefined) return this.popular(numResults);
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
      for (const other of topK(this.scores, numResults)) {
        used.add(other);
        out.push({ itemId: model.itemIds[other]!, score: this.scores[other]! });
      }
    }
    return out.length >= numResults ? out : [...out, ...this.popular(numResults - out.length, used)];
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
    const k = model.factors;
    const { userFactors, itemFactors } = model;
    const uo = user * k;
    for (let item = 0; item < itemCount; item++) {
      const io = item * k;
      let dot = 0;
      for (let f = 0; f < k; f++) dot += userFactors[uo + f]! * itemFactors[io + f]!;
      scores[item] = dot;
    }
  }

  private explorationCandidates(cutoffDays: number): ExplorationCandidates {
    let candidates = this.candidatesByCutoff.get(cutoffDays);
    if (!candidates) {
      candidates = explorationCandidates(this.model, cutoffDays);
      this.candidatesByCutoff.set(cutoffDays, candidates);
    }
    return candidates;
  }
}
