import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlsKernel } from '../../../src/engine/train/alsKernel.js';
import { buildInteractionMatrix, type CsrMatrix } from '../../../src/engine/train/interactionMatrix.js';
import { seededRandom } from '../../../src/shared/random.js';
import { clusteredTable } from './syntheticInteractions.js';

/** Σ a[ao + f]·b[bo + f] as four partial sums (lanes f mod 4), added as (s0 + s1) + (s2 + s3). */
function dot(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, k: number): number {
  const s = [0, 0, 0, 0];
  let f = 0;
  for (; f + 3 < k; f += 4) for (let l = 0; l < 4; l++) s[l]! += a[ao + f + l]! * b[bo + f + l]!;
  for (; f < k; f++) s[0]! += a[ao + f]! * b[bo + f]!;
  return s[0]! + s[1]! + (s[2]! + s[3]!);
}

/** The plain scalar half-sweep the kernel must reproduce: warm-started CG per row. */
function scalarSolve(target: Float32Array, fixed: Float32Array, csr: CsrMatrix, k: number, steps: number) {
  const [alpha, lambda] = [1, 3];
  const gram = new Float64Array(k * k);
  for (let row = 0; row < fixed.length / k; row++) {
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) gram[a * k + b]! += fixed[row * k + a]! * fixed[row * k + b]!;
    }
  }
  for (let a = 0; a < k; a++) {
    gram[a * k + a]! += lambda;
    for (let b = a + 1; b < k; b++) gram[b * k + a] = gram[a * k + b]!;
  }
  const times = (v: Float64Array, out: Float64Array, row: number) => {
    for (let a = 0; a < k; a++) out[a] = dot(gram, a * k, v, 0, k);
    for (let e = csr.indptr[row]!; e < csr.indptr[row + 1]!; e++) {
      const off = csr.indices[e]! * k;
      const c = alpha * csr.values[e]! * dot(fixed, off, v, 0, k);
      for (let f = 0; f < k; f++) out[f]! += c * fixed[off + f]!;
    }
  };
  const [x, r, p, ap] = [0, 1, 2, 3].map(() => new Float64Array(k)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  for (let row = 0; row < csr.rows; row++) {
    if (csr.indptr[row] === csr.indptr[row + 1]) {
      target.fill(0, row * k, (row + 1) * k);
      continue;
    }
    for (let f = 0; f < k; f++) x[f] = target[row * k + f]!;
    for (let a = 0; a < k; a++) r[a] = -dot(gram, a * k, x, 0, k);
    for (let e = csr.indptr[row]!; e < csr.indptr[row + 1]!; e++) {
      const off = csr.indices[e]! * k;
      const c1 = alpha * csr.values[e]!;
      const c = 1 + c1 - c1 * dot(fixed, off, x, 0, k);
      for (let f = 0; f < k; f++) r[f]! += c * fixed[off + f]!;
    }
    let rs = 0;
    for (let f = 0; f < k; f++) {
      p[f] = r[f]!;
      rs += r[f]! * r[f]!;
    }
    for (let step = 0; step < steps && rs > 1e-20; step++) {
      times(p, ap, row);
      let pAp = 0;
      for (let f = 0; f < k; f++) pAp += p[f]! * ap[f]!;
      if (!(pAp > 0)) break;
      const size = rs / pAp;
      let rsNew = 0;
      for (let f = 0; f < k; f++) {
        x[f]! += size * p[f]!;
        r[f]! -= size * ap[f]!;
        rsNew += r[f]! * r[f]!;
      }
      for (let f = 0; f < k; f++) p[f] = r[f]! + (rsNew / rs) * p[f]!;
      rs = rsNew;
    }
    for (let f = 0; f < k; f++) target[row * k + f] = x[f]!;
  }
}

const table = clusteredTable({
  users: 150,
  items: 300,
  clusters: 6,
  eventsPerUser: 15,
  loyalty: 0.8,
  seed: 3,
});
const matrix = buildInteractionMatrix(table);

function startingFactors(k: number) {
  const random = seededRandom(7);
  const fill = (rows: number) => Float32Array.from({ length: rows * k }, () => random() - 0.5);
  return { users: fill(matrix.userIds.length), items: fill(matrix.itemIds.length) };
}

function bothWays(k: number, chunking: { rows?: number; entries?: number } = {}) {
  const scalar = startingFactors(k);
  const kernelStart = startingFactors(k);
  const kernel = new AlsKernel(k, matrix, { alpha: 1, regularization: 3, cgSteps: 3 }, chunking);
  kernel.load('users', kernelStart.users);
  kernel.load('items', kernelStart.items);
  for (let epoch = 0; epoch < 2; epoch++) {
    scalarSolve(scalar.users, scalar.items, matrix.byUser, k, 3);
    scalarSolve(scalar.items, scalar.users, matrix.byItem, k, 3);
    kernel.solve('users', matrix.byUser, {});
    kernel.solve('items', matrix.byItem, {});
  }
  const users = new Float32Array(scalar.users.length);
  const items = new Float32Array(scalar.items.length);
  kernel.store('users', users);
  kernel.store('items', items);
  return { scalar, kernel: { users, items } };
}

test('with k a multiple of four, the WebAssembly sweeps give the scalar algorithm’s factors bit for bit', () => {
  for (const k of [8, 24]) {
    const { scalar, kernel } = bothWays(k);
    assert.deepEqual(kernel.users, scalar.users, `users, k = ${k}`);
    assert.deepEqual(kernel.items, scalar.items, `items, k = ${k}`);
  }
});

test('matrices that span several kernel calls give the same factors as one call', () => {
  const { kernel: whole } = bothWays(8);
  const { kernel: chunked } = bothWays(8, { rows: 7, entries: 1 });
  assert.deepEqual(chunked.users, whole.users);
  assert.deepEqual(chunked.items, whole.items);
});

test('other k are zero-padded to a multiple of four, which only regroups sums', () => {
  const { scalar, kernel } = bothWays(5);
  let largest = 0;
  for (let i = 0; i < scalar.users.length; i++) {
    largest = Math.max(largest, Math.abs(scalar.users[i]! - kernel.users[i]!));
  }
  assert.ok(largest < 1e-4, `largest difference ${largest}`);
});
