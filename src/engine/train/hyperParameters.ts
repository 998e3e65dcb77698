/** Thrown when a hyperparameter's value is malformed or out of range; the message names key and range. */
export class HyperParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Settings of implicit-feedback alternating least squares (user-personalization, personalized-ranking). */
export interface AlsHyperParameters {
  /** Latent factors per user and item (`hidden_dimension`). */
  readonly factors: number;
  /** Full sweeps over users and items for FULL training (`epochs`). */
  readonly epochs: number;
  /** L2 penalty λ on the factors (`regularization`). */
  readonly regularization: number;
  /** Confidence slope: c = 1 + alpha · r (`alpha`). */
  readonly alpha: number;
  /** Conjugate-gradient steps per row and sweep (`cg_steps`). */
  readonly cgSteps: number;
  /** Sweeps that UPDATE training runs from the previous model (`update_epochs`). */
  readonly updateEpochs: number;
  /** Half-life of an event's weight in days; 0 turns recency weighting off (`recency_half_life_days`). */
  readonly recencyHalfLifeDays: number;
}

/** Settings of item-item similarity (similar-items). */
export interface SimilarItemsHyperParameters {
  /** Neighbours kept per item (`neighbors`); requests beyond them are filled with popular items. */
  readonly neighbors: number;
  /** Most recent events per user that count toward co-occurrence (`max_user_history`), bounding cost. */
  readonly maxUserHistory: number;
}

/** Tuned on MovieLens-small with bench/quality.ts (see docs/TRAINING.md). */
export const DEFAULT_ALS: AlsHyperParameters = {
  factors: 24,
  epochs: 12,
  regularization: 3,
  alpha: 1,
  cgSteps: 3,
  updateEpochs: 2,
  recencyHalfLifeDays: 365,
};

export const DEFAULT_SIMILAR_ITEMS: SimilarItemsHyperParameters = { neighbors: 100, maxUserHistory: 500 };

type Params = Readonly<Record<string, string>> | undefined;

function read(
  params: Params,
  key: string,
  fallback: number,
  min: number,
  max: number,
  integer: boolean,
): number {
  const raw = params?.[key];
  if (raw === undefined) return fallback;
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new HyperParameterError(
      `algorithmHyperParameters.${key} is '${raw}': it must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}.`,
    );
  }
  if (value < min || value > max) {
    throw new HyperParameterError(
      `algorithmHyperParameters.${key} is ${value}: it must be from ${min} to ${max}.`,
    );
  }
  return value;
}

/**
 * Maps the service's string-valued `algorithmHyperParameters` onto ALS settings. Keys the service knows
 * but the local algorithm has no use for (bptt, recency_mask, …) are ignored, as documented.
 */
export function parseAlsHyperParameters(params: Params): AlsHyperParameters {
  return {
    factors: read(params, 'hidden_dimension', DEFAULT_ALS.factors, 1, 1024, true),
    epochs: read(params, 'epochs', DEFAULT_ALS.epochs, 1, 500, true),
    regularization: read(params, 'regularization', DEFAULT_ALS.regularization, 0, 1e6, false),
    alpha: read(params, 'alpha', DEFAULT_ALS.alpha, 0, 1e6, false),
    cgSteps: read(params, 'cg_steps', DEFAULT_ALS.cgSteps, 1, 64, true),
    updateEpochs: read(params, 'update_epochs', DEFAULT_ALS.updateEpochs, 1, 100, true),
    recencyHalfLifeDays: read(
      params,
      'recency_half_life_days',
      DEFAULT_ALS.recencyHalfLifeDays,
      0,
      1e6,
      false,
    ),
  };
}

export function parseSimilarItemsHyperParameters(params: Params): SimilarItemsHyperParameters {
  return {
    neighbors: read(params, 'neighbors', DEFAULT_SIMILAR_ITEMS.neighbors, 1, 1000, true),
    maxUserHistory: read(params, 'max_user_history', DEFAULT_SIMILAR_ITEMS.maxUserHistory, 1, 100_000, true),
  };
}
