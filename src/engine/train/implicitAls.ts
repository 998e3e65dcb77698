import { seededRandom } from '../../shared/random.js';
import type { AlsHyperParameters } from './hyperParameters.js';
import type { CsrMatrix, InteractionMatrix } from './interactionMatrix.js';
import { addScaledRow, dotRow, dotRow64 } from './kernels.js';
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
  const solver = new ConjugateGradientSolver(
    params.factors,
    params.alpha,
    params.regularization,
    params.cgSteps,
  );
  for (let epoch = 1; epoch <= epochs; epoch++) {
    throwIfStopped(options);
    solver.solveRows(model.userFactors, model.itemFactors, matrix.byUser, options);
    solver.solveRows(model.itemFactors, model.userFactors, matrix.byItem, options);
    options.onProgress?.({ phase: options.phase ?? 'final-model', epoch, epochs });
  }
}

/** Solves one side of ALS with the other side fixed; holds its scratch vectors so rows allocate nothing. */
class ConjugateGradientSolver {
  private readonly gram: Float64Array;
  private readonly r: Float64Array;
  private readonly p: Float64Array;
  private readonly ap: Float64Array;
  private readonly x: Float64Array;

  constructor(
    private readonly k: number,
    private readonly alpha: number,
    private readonly lambda: number,
    private readonly steps: number,
  ) {
    this.gram = new Float64Array(k * k);
    this.r = new Float64Array(k);
    this.p = new Float64Array(k);
    this.ap = new Float64Array(k);
    this.x = new Float64Array(k);
  }

  /** Gram matrix YᵀY + λI of the fixed side, shared by every row of the sweep. */
  private computeGram(fixed: Float32Array): void {
    const { k, gram } = this;
    gram.fill(0);
    const rows = fixed.length / k;
    for (let row = 0; row < rows; row++) {
      const off = row * k;
      for (let a = 0; a < k; a++) {
        const ya = fixed[off + a]!;
        if (ya === 0) continue;
        const base = a * k;
        for (let b = a; b < k; b++) gram[base + b]! += ya * fixed[off + b]!;
      }
    }
    for (let a = 0; a < k; a++) {
      gram[a * k + a]! += this.lambda;
      for (let b = a + 1; b < k; b++) gram[b * k + a] = gram[a * k + b]!;
    }
  }

  /** out = (YᵀY + λI)·v */
  private gramTimes(v: Float64Array, out: Float64Array): void {
    const { k, gram } = this;
    for (let a = 0; a < k; a++) out[a] = dotRow64(gram, a * k, v, k);
  }

  /** out = (YᵀY + λI)·v + Σ (c−1)(y·v)·y over the row's entries. */
  private multiply(
    v: Float64Array,
    out: Float64Array,
    fixed: Float32Array,
    csr: CsrMatrix,
    row: number,
  ): void {
    const { k, alpha } = this;
    this.gramTimes(v, out);
    const end = csr.indptr[row + 1]!;
    for (let e = csr.indptr[row]!; e < end; e++) {
      const off = csr.indices[e]! * k;
      addScaledRow(alpha * csr.values[e]! * dotRow(fixed, off, v, k), fixed, off, out, k);
    }
  }

  solveRows(target: Float32Array, fixed: Float32Array, csr: CsrMatrix, control: TrainingControl): void {
    const { k, r, p, ap, x, steps } = this;
    this.computeGram(fixed);
    for (let row = 0; row < csr.rows; row++) {
      if ((row & 4095) === 4095) throwIfStopped(control);
      const off = row * k;
      const start = csr.indptr[row]!;
      const end = csr.indptr[row + 1]!;
      if (start === end) {
        // No observations: the exact solution of (YᵀY + λI)x = 0 is the zero vector.
        target.fill(0, off, off + k);
        continue;
      }
      for (let f = 0; f < k; f++) x[f] = target[off + f]!;
      // Residual r = b − A·x of the warm start, with b = Σ c·y:
      // r = −(YᵀY + λI)·x + Σ (c − (c − 1)(y·x))·y.
      this.gramTimes(x, r);
      for (let f = 0; f < k; f++) r[f] = -r[f]!;
      for (let e = start; e < end; e++) {
        const yo = csr.indices[e]! * k;
        const confidenceMinusOne = this.alpha * csr.values[e]!;
        const coefficient = 1 + confidenceMinusOne - confidenceMinusOne * dotRow(fixed, yo, x, k);
        addScaledRow(coefficient, fixed, yo, r, k);
      }
      let rsOld = 0;
      for (let f = 0; f < k; f++) {
        p[f] = r[f]!;
        rsOld += r[f]! * r[f]!;
      }
      for (let step = 0; step < steps && rsOld > 1e-20; step++) {
        this.multiply(p, ap, fixed, csr, row);
        let pAp = 0;
        for (let f = 0; f < k; f++) pAp += p[f]! * ap[f]!;
        if (!(pAp > 0)) break;
        const stepSize = rsOld / pAp;
        let rsNew = 0;
        for (let f = 0; f < k; f++) {
          x[f]! += stepSize * p[f]!;
          r[f]! -= stepSize * ap[f]!;
          rsNew += r[f]! * r[f]!;
        }
        const beta = rsNew / rsOld;
        for (let f = 0; f < k; f++) p[f] = r[f]! + beta * p[f]!;
        rsOld = rsNew;
      }
      for (let f = 0; f < k; f++) target[off + f] = x[f]!;
    }
  }
}
