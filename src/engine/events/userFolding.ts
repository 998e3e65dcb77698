import type { FactorModel } from '../train/model.js';

/** The trained items' Gram matrix YᵀY, once per model: the shared part of every fold-in solve. */
const gramOfModel = new WeakMap<FactorModel, Float64Array>();

function gram(model: FactorModel): Float64Array {
  let g = gramOfModel.get(model);
  if (g) return g;
  const k = model.factors;
  g = new Float64Array(k * k);
  const y = model.itemFactors;
  for (let item = 0; item < model.itemIds.length; item++) {
    const o = item * k;
    for (let a = 0; a < k; a++) {
      const ya = y[o + a]!;
      if (ya === 0) continue;
      for (let b = a; b < k; b++) g[a * k + b]! += ya * y[o + b]!;
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) g[a * k + b] = g[b * k + a]!;
  gramOfModel.set(model, g);
  return g;
}

/**
 * A user's vector from their interactions, with the item factors held fixed: the same least-squares
 * step implicit ALS takes for a user during training, (YᵀY + λI + Yᵤᵀ(Cᵤ − I)Yᵤ) x = YᵤᵀCᵤ1 with
 * c = 1 + alpha·r. It is how events recorded after training (PutEvents) reach the model at once, for
 * known users and new ones alike, without retraining. `weights` holds r per model item index.
 */
export function foldInUser(model: FactorModel, weights: ReadonlyMap<number, number>): Float32Array {
  const k = model.factors;
  const lambda = Number(model.hyperParameters['regularization'] ?? '3');
  const alpha = Number(model.hyperParameters['alpha'] ?? '1');
  const a = Float64Array.from(gram(model));
  for (let f = 0; f < k; f++) a[f * k + f]! += lambda;
  const b = new Float64Array(k);
  const y = model.itemFactors;
  for (const [item, r] of weights) {
    const c = 1 + alpha * r;
    const o = item * k;
    for (let p = 0; p < k; p++) {
      const yp = y[o + p]!;
      b[p]! += c * yp;
      for (let q = 0; q < k; q++) a[p * k + q]! += (c - 1) * yp * y[o + q]!;
    }
  }
  return Float32Array.from(solveSymmetric(a, b, k));
}

/** Solves A x = b for a symmetric positive definite k×k A (Cholesky); A is overwritten. */
function solveSymmetric(a: Float64Array, b: Float64Array, k: number): Float64Array {
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j]!;
    for (let p = 0; p < j; p++) d -= a[j * k + p]! * a[j * k + p]!;
    d = Math.sqrt(Math.max(d, 1e-12));
    a[j * k + j] = d;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j]!;
      for (let p = 0; p < j; p++) s -= a[i * k + p]! * a[j * k + p]!;
      a[i * k + j] = s / d;
    }
  }
  const x = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let p = 0; p < i; p++) s -= a[i * k + p]! * x[p]!;
    x[i] = s / a[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let p = i + 1; p < k; p++) s -= a[p * k + i]! * x[p]!;
    x[i] = s / a[i * k + i]!;
  }
  return x;
}
