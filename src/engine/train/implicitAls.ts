import { seededRandom } from '../../shared/random.js';
import type { AlsHyperParameters } from './hyperParameters.js';
import { AlsKernel } from './alsKernel.js';
import type { InteractionMatrix } from './interactionMatrix.js';
import { throwIfStopped, type TrainingControl } from './trainingControl.js';

/** Row-major factor matrices: user u's vector is `userFactors[u*factors .. (u+1)*factors)`. */
export interface FactorMatrices {
  readonly factors: number;
  readonly userFactors: Float32Array;
  readonly itemFactors: Float32Array;
}

export interface AlsRunOptions extends TrainingControl {
  readonly seed: number;
  readonly phase?: 'evaluation-model' | 'final-model';
}

/** Small random values: large enough to break symmetry, small enough not to bias the first solves. */
function randomFactors(rows: number, factors: number, random: () => number) {
  const out = new Float32Array(rows * factors);
  const scale = 0.1 / Math.sqrt(factors);
  for (let i = 0; i < rows * factors; i++) out[i] = (random() - 0.5) * 2 * scale;
  return out;
}

/**
 * Trains implicit-feedback ALS (Hu, Koren & Volinsky 2008) from scratch: confidence c = 1 + alpha·r,
 * preference 1 for every observed cell, each half-sweep solved row by row with a few warm-started
 * conjugate-gradient steps (Takács, Pilászy & Tikk 2011), which is far cheaper than a Cholesky solve and
 * converges to the same quality across sweeps.
 */
export function trainImplicitAls(
  matrix: InteractionMatrix,
  params: AlsHyperParameters,
  options: AlsRunOptions,
): FactorMatrices {
  const random = seededRandom(options.seed);
  const k = params.factors;
  const itemFactors = randomFactors(matrix.itemIds.length, k, random);
  const userFactors = randomFactors(matrix.userIds.length, k, random);
  const model = { factors: k, userFactors, itemFactors };
  runSweeps(matrix, params, model, params.epochs, options);
  return model;
}

/**
 * UPDATE training: keeps the previous model's factors for the users and items it knew (the matrix must
 * be built with the previous ids as seeds, so they keep their indices), gives new users and items fresh
 * rows (starting at zero), and runs only `updateEpochs` sweeps. Deterministic without a seed.
 */
export function updateImplicitAls(
  matrix: InteractionMatrix,
  params: AlsHyperParameters,
  previous: FactorMatrices,
  options: AlsRunOptions,
): FactorMatrices {
  const k = previous.factors;
  // New rows start at zero: the known factors already break the symmetry random starts exist for, and
  // a zero start keeps new items from adding noise to the first user solves.
  const grow = (old: Float32Array, rows: number) => {
    const out = new Float32Array(rows * k);
    out.set(old.subarray(0, Math.min(old.length, out.length)));
    return out;
  };
  const model = {
    factors: k,
    userFactors: grow(previous.userFactors, matrix.userIds.length),
    itemFactors: grow(previous.itemFactors, matrix.itemIds.length),
  };
  runSweeps(matrix, { ...params, factors: k }, model, params.updateEpochs, options);
  return model;
}

function runSweeps(
  matrix: InteractionMatrix,
  params: AlsHyperParameters,
  model: FactorMatrices,
  epochs: number,
  options: AlsRunOptions,
): void {
  const kernel = new AlsKernel(params.factors, matrix, params);
  kernel.load('users', model.userFactors);
  kernel.load('items', model.itemFactors);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    throwIfStopped(options);
    kernel.solve('users', matrix.byUser, options);
    kernel.solve('items', matrix.byItem, options);
    options.onProgress?.({ phase: options.phase ?? 'final-model', epoch, epochs });
  }
  kernel.store('users', model.userFactors);
  kernel.store('items', model.itemFactors);
}
