import type { Algorithm } from './recipeCatalog.js';

/**
 * Everything serving needs from a trained solution version, as plain typed arrays so it serializes to a
 * compact blob (see modelCodec.ts) and crosses worker boundaries cheaply.
 */
interface ModelCommon {
  readonly algorithm: Algorithm;
  /** The settings the model was trained with, as strings (the service's form), defaults filled in. */
  readonly hyperParameters: Readonly<Record<string, string>>;
  readonly userIds: string[];
  readonly itemIds: string[];
  /** Items each user interacted with in training (CSR over user indices), excluded from their results. */
  readonly seenPtr: Int32Array;
  readonly seenItems: Int32Array;
  /** Summed event weight per item: the popularity ranking for unknown users and fill-ins. */
  readonly itemWeight: Float64Array;
  /** Per item: CREATION_TIMESTAMP, else first event, else NaN; decides which items exploration may show. */
  readonly itemCreated: Float64Array;
  /** Newest event in the training data (epoch seconds), NaN if unknown; the reference for item age. */
  readonly latestTimestamp: number;
}

/** user-personalization and personalized-ranking: implicit ALS factors. */
export interface FactorModel extends ModelCommon {
  readonly algorithm: 'user-personalization' | 'personalized-ranking';
  readonly factors: number;
  readonly userFactors: Float32Array;
  readonly itemFactors: Float32Array;
}

export interface PopularityModel extends ModelCommon {
  readonly algorithm: 'popularity-count';
}

/** similar-items: each item's nearest neighbours by cosine of co-occurrence, best first. */
export interface SimilarItemsModel extends ModelCommon {
  readonly algorithm: 'similar-items';
  readonly neighborPtr: Int32Array;
  readonly neighbors: Int32Array;
  readonly neighborScores: Float32Array;
}

export type TrainedModel = FactorModel | PopularityModel | SimilarItemsModel;
