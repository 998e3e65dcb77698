import type { DatasetTable } from './datasetTable.js';
import {
  parseAlsHyperParameters,
  parseSimilarItemsHyperParameters,
  HyperParameterError,
} from './hyperParameters.js';
import { trainImplicitAls, updateImplicitAls } from './implicitAls.js';
import { buildInteractionMatrix, type EventWeighting, type InteractionMatrix } from './interactionMatrix.js';
import type { FactorModel, TrainedModel } from './model.js';
import { decodeModel, encodeModel } from './modelCodec.js';
import { evaluateHoldout, personalizeEvaluationSplit } from './offlineEvaluation.js';
import type { SolutionMetrics } from './offlineMetrics.js';
import type { Algorithm } from './recipeCatalog.js';
import { Recommender } from './recommender.js';
import { trainSimilarItems } from './similarItems.js';
import type { TrainingControl, TrainingProgress } from './trainingControl.js';

export type TrainingMode = 'FULL' | 'UPDATE';

/** Everything one solution version's training needs; plain data so it can be posted to a worker. */
export interface TrainingRequest {
  readonly algorithm: Algorithm;
  readonly interactions: DatasetTable;
  /** The Items dataset, whose items join the catalogue even without interactions. */
  readonly items?: DatasetTable;
  /** `solutionConfig.algorithmHyperParameters`, string-valued as in the service. */
  readonly hyperParameters?: Readonly<Record<string, string>>;
  /** The solution's `eventType`: only these events train the model. */
  readonly eventType?: string;
  /** `solutionConfig.eventValueThreshold`, parsed. */
  readonly eventValueThreshold?: number;
  /** `solutionConfig.eventsConfig.eventParametersList`. */
  readonly eventWeights?: readonly EventWeighting[];
  /** Seeds initialisation and the metric split. @default 1 */
  readonly seed?: number;
  /** @default FULL */
  readonly trainingMode?: TrainingMode;
  /** The serialized model UPDATE starts from (the latest active FULL or UPDATE version's). */
  readonly previousModel?: Uint8Array;
  /** Compute offline metrics (trains a second, evaluation model). @default true */
  readonly evaluate?: boolean;
}

export interface TrainingOutcome {
  /** The serialized model (modelCodec.ts) to store as a BLOB. */
  readonly model: Buffer;
  /** GetSolutionMetrics' values; absent when the data has too few users (see `metricsNote`). */
  readonly metrics?: SolutionMetrics;
  readonly metricsNote?: string;
  readonly stats: {
    readonly users: number;
    readonly items: number;
    /** Distinct (user, item) cells after deduplication. */
    readonly interactions: number;
    readonly trainingSeconds: number;
  };
}

/** Thrown when the request cannot train (no usable events, UPDATE without a suitable previous model). */
export class TrainingRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export { HyperParameterError };

function effectiveHyperParameters(algorithm: Algorithm, params: TrainingRequest['hyperParameters']) {
  if (algorithm === 'user-personalization' || algorithm === 'personalized-ranking') {
    const als = parseAlsHyperParameters(params);
    return {
      parsed: { kind: 'als' as const, als },
      strings: {
        hidden_dimension: String(als.factors),
        epochs: String(als.epochs),
        regularization: String(als.regularization),
        alpha: String(als.alpha),
        cg_steps: String(als.cgSteps),
        update_epochs: String(als.updateEpochs),
        recency_half_life_days: String(als.recencyHalfLifeDays),
      },
    };
  }
  if (algorithm === 'similar-items') {
    const sims = parseSimilarItemsHyperParameters(params);
    return {
      parsed: { kind: 'sims' as const, sims },
      strings: { neighbors: String(sims.neighbors), max_user_history: String(sims.maxUserHistory) },
    };
  }
  return { parsed: { kind: 'popularity' as const }, strings: {} };
}

function previousFactorModel(request: TrainingRequest): FactorModel | undefined {
  if ((request.trainingMode ?? 'FULL') !== 'UPDATE') return undefined;
  if (request.algorithm !== 'user-personalization') {
    throw new TrainingRequestError(
      `trainingMode UPDATE is only for user-personalization recipes; this solution uses ${request.algorithm}.`,
    );
  }
  if (!request.previousModel) {
    throw new TrainingRequestError(
      'trainingMode UPDATE needs an active FULL solution version to start from.',
    );
  }
  const previous = decodeModel(request.previousModel);
  if (previous.algorithm !== 'user-personalization') {
    throw new TrainingRequestError('trainingMode UPDATE must start from a user-personalization model.');
  }
  return previous;
}

/**
 * Trains one model on the rows `includeRows` selects (all when absent): the shared step of the final
 * model and the evaluation model.
 */
export function fitModel(
  request: TrainingRequest,
  includeRows?: Uint8Array,
  control: TrainingControl & { readonly phase?: TrainingProgress['phase'] } = {},
): { model: TrainedModel; matrix: InteractionMatrix } {
  const { parsed, strings } = effectiveHyperParameters(request.algorithm, request.hyperParameters);
  const previous = previousFactorModel(request);
  const matrix = buildInteractionMatrix(request.interactions, {
    ...(request.eventWeights ? { eventWeights: request.eventWeights } : {}),
    ...(request.eventType !== undefined ? { eventType: request.eventType } : {}),
    ...(request.eventValueThreshold !== undefined
      ? { eventValueThreshold: request.eventValueThreshold }
      : {}),
    ...(parsed.kind === 'als' ? { recencyHalfLifeDays: parsed.als.recencyHalfLifeDays } : {}),
    ...(includeRows ? { includeRows } : {}),
    ...(request.items ? { items: request.items } : {}),
    ...(previous ? { seedUserIds: previous.userIds, seedItemIds: previous.itemIds } : {}),
  });
  if (matrix.byUser.indices.length === 0) {
    throw new TrainingRequestError(
      'No usable interactions: every event lacks a USER_ID or ITEM_ID, or the eventType / eventValueThreshold filters removed them all.',
    );
  }
  const common = {
    hyperParameters: strings,
    userIds: matrix.userIds,
    itemIds: matrix.itemIds,
    seenPtr: matrix.byUser.indptr,
    seenItems: matrix.byUser.indices,
    itemWeight: matrix.itemWeight,
    itemCreated: matrix.itemCreated,
    latestTimestamp: matrix.latestTimestamp,
  };
  const seed = request.seed ?? 1;
  if (parsed.kind === 'als') {
    const runOptions = { seed, ...control };
    const factors = previous
      ? updateImplicitAls(matrix, parsed.als, previous, runOptions)
      : trainImplicitAls(matrix, parsed.als, runOptions);
    const algorithm = request.algorithm as FactorModel['algorithm'];
    return { model: { algorithm, ...common, ...factors }, matrix };
  }
  if (parsed.kind === 'sims') {
    return {
      model: { algorithm: 'similar-items', ...common, ...trainSimilarItems(matrix, parsed.sims, control) },
      matrix,
    };
  }
  return { model: { algorithm: 'popularity-count', ...common }, matrix };
}

/** The offline metrics of a solution version, or why it has none. */
export interface EvaluationOutcome {
  readonly metrics?: SolutionMetrics;
  readonly metricsNote?: string;
}

/**
 * The metrics half of a solution version: a model trained on the service's metric split, scored on
 * the held-out events. Independent of the served model, so the two can train at the same time.
 */
export function evaluateSolution(request: TrainingRequest, control: TrainingControl = {}): EvaluationOutcome {
  const split = personalizeEvaluationSplit(request.interactions, request.seed ?? 1);
  if ('insufficient' in split) return { metricsNote: split.insufficient };
  const { model } = fitModel(request, split.trainRows, { ...control, phase: 'evaluation-model' });
  return { metrics: evaluateHoldout(new Recommender(model), split, request.eventWeights) };
}

/** The served half of a solution version: the model trained on all data, serialized. */
export function trainServedModel(
  request: TrainingRequest,
  control: TrainingControl = {},
): Pick<TrainingOutcome, 'model' | 'stats'> {
  const started = performance.now();
  const { model, matrix } = fitModel(request, undefined, { ...control, phase: 'final-model' });
  return {
    model: encodeModel(model),
    stats: {
      users: matrix.userIds.length,
      items: matrix.itemIds.length,
      interactions: matrix.byUser.indices.length,
      trainingSeconds: (performance.now() - started) / 1000,
    },
  };
}

/**
 * Trains a solution version in this thread: with `evaluate`, first the evaluation model and its
 * offline metrics, then the model on all data that the version serves. `startTrainingRun` runs the
 * two halves in two workers at once instead.
 */
export function trainSolution(request: TrainingRequest, control: TrainingControl = {}): TrainingOutcome {
  const started = performance.now();
  const evaluation = (request.evaluate ?? true) ? evaluateSolution(request, control) : {};
  const served = trainServedModel(request, control);
  return {
    ...served,
    ...evaluation,
    stats: { ...served.stats, trainingSeconds: (performance.now() - started) / 1000 },
  };
}
