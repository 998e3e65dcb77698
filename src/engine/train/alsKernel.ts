/**
 * The conjugate-gradient half-sweep of implicit ALS as a WebAssembly SIMD module, generated here at
 * load time (wasmEmitter.ts), with the factor matrices kept in its memory for the whole training.
 *
 * The arithmetic is the plain scalar algorithm's, operation for operation: f64 vectors, f32 factor
 * rows, each k-long dot product as four partial sums (lanes f mod 4) added as (s0 + s1) + (s2 + s3),
 * the Gram matrix summed row after row. So for k a multiple of four the factors are bit-identical to
 * the scalar version's (tested); otherwise vectors are zero-padded to a multiple of four, which only
 * regroups the partial sums.
 */
import type { CsrMatrix, InteractionMatrix } from './interactionMatrix.js';
import { throwIfStopped, type TrainingControl } from './trainingControl.js';
import { F64, FunctionBody, I32, OP, SIMD, V128, encodeModule, wasm } from './wasmEmitter.js';

/** Function indices for `call`: the order of the list given to encodeModule. */
const GEMV = 1;
const SPARSE_RESIDUAL = 2;
const SPARSE_AP = 3;

/** f64x2 from the two f32 at the address on the stack (+ offset). */
function loadPromoted(f: FunctionBody, offset = 0): FunctionBody {
  return f.simdMem(SIMD.load64Zero, 3, offset).simd(SIMD.f64x2PromoteLowF32x4);
}

/** Pushes base + (index << shift). */
function address(f: FunctionBody, base: number, index: number, shift: number): FunctionBody {
  return f.get(base).get(index).i32(shift).op(OP.i32Shl).op(OP.i32Add);
}

/** Pushes the two lanes' sum of each v128 local, then adds the pair sums: (a0 + a1) + (b0 + b1). */
function laneSum(f: FunctionBody, lo: number, hi: number): FunctionBody {
  f.get(lo).lane(0).get(lo).lane(1).op(OP.f64Add);
  f.get(hi).lane(0).get(hi).lane(1).op(OP.f64Add);
  return f.op(OP.f64Add);
}

const zeroVector = (f: FunctionBody) => f.f64(0).simd(SIMD.f64x2Splat);

/** gram(fixed, rows, kp, gram): the upper triangle (and a little more) of Σ y yᵀ, rows in fours. */
function gramFunction(): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32]);
  const [fixed, rows, kp, gram] = [0, 1, 2, 3];
  const [r, a, b, rowBytes, g, yb] = Array.from({ length: 6 }, () => f.local(I32)) as number[];
  const y = [0, 1, 2, 3].map(() => f.local(I32));
  const s = [0, 1, 2, 3].map(() => f.local(V128));
  f.get(kp).i32(2).op(OP.i32Shl).set(rowBytes!);
  f.forRange(
    r!,
    () => f.i32(0),
    () => f.get(rows),
    4,
    () => {
      f.get(fixed).get(r!).get(rowBytes!).op(OP.i32Mul).op(OP.i32Add).set(y[0]!);
      for (let i = 1; i < 4; i++)
        f.get(y[i - 1]!)
          .get(rowBytes!)
          .op(OP.i32Add)
          .set(y[i]!);
      f.forRange(
        a!,
        () => f.i32(0),
        () => f.get(kp),
        1,
        () => {
          for (let i = 0; i < 4; i++) {
            address(f, y[i]!, a!, 2).mem(OP.f32Load, 2).op(OP.f64PromoteF32).simd(SIMD.f64x2Splat).set(s[i]!);
          }
          f.forRange(
            b!,
            () => f.get(a!).i32(-2).op(OP.i32And),
            () => f.get(kp),
            2,
            () => {
              // g = gram + (a·kp + b)·8; G[a, b..b+1] += s_i · y_i[b..b+1], rows in order.
              f.get(gram).get(a!).get(kp).op(OP.i32Mul).get(b!).op(OP.i32Add).i32(3).op(OP.i32Shl);
              f.op(OP.i32Add).set(g!);
              f.get(b!).i32(2).op(OP.i32Shl).set(yb!);
              f.get(g!).get(g!).simdMem(SIMD.load, 4);
              for (let i = 0; i < 4; i++) {
                f.get(y[i]!).get(yb!).op(OP.i32Add);
                loadPromoted(f).get(s[i]!).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
              }
              f.simdMem(SIMD.store, 4);
            },
          );
        },
      );
    },
  );
  return f;
}

/** gemv(out, v, gram, kp): out = G·v, four rows of G at a time. */
function gemvFunction(): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32]);
  const [out, v, gram, kp] = [0, 1, 2, 3];
  const [a, b, rowBytes, off, g0] = Array.from({ length: 5 }, () => f.local(I32)) as number[];
  const vlo = f.local(V128);
  const vhi = f.local(V128);
  const acc = [0, 1, 2, 3].map(() => [f.local(V128), f.local(V128)] as const);
  f.get(kp).i32(3).op(OP.i32Shl).set(rowBytes!);
  f.forRange(
    a!,
    () => f.i32(0),
    () => f.get(kp),
    4,
    () => {
      f.get(gram).get(a!).get(rowBytes!).op(OP.i32Mul).op(OP.i32Add).set(g0!);
      for (const [lo, hi] of acc) zeroVector(zeroVector(f).set(lo)).set(hi);
      f.forRange(
        b!,
        () => f.i32(0),
        () => f.get(kp),
        4,
        () => {
          f.get(b!).i32(3).op(OP.i32Shl).set(off!);
          f.get(v).get(off!).op(OP.i32Add).simdMem(SIMD.load, 4).set(vlo);
          f.get(v).get(off!).op(OP.i32Add).simdMem(SIMD.load, 4, 16).set(vhi);
          acc.forEach(([lo, hi], row) => {
            // Row `row` of the four starts `row · rowBytes` after g0.
            const rowAddress = () => {
              f.get(g0!).get(off!).op(OP.i32Add);
              if (row > 0) f.get(rowBytes!).i32(row).op(OP.i32Mul).op(OP.i32Add);
            };
            f.get(lo);
            rowAddress();
            f.simdMem(SIMD.load, 4).get(vlo).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(lo);
            f.get(hi);
            rowAddress();
            f.simdMem(SIMD.load, 4, 16).get(vhi).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(hi);
          });
        },
      );
      acc.forEach(([lo, hi], row) => {
        address(f, out, a!, 3);
        laneSum(f, lo, hi).mem(OP.f64Store, 3, row * 8);
      });
    },
  );
  return f;
}

/**
 * Over the row's entries e (fixed-side row y, confidence − 1 = alpha·value):
 * residual mode: out += ((1 + c1) − c1·(y·v))·y; product mode: out += (c1·(y·v))·y.
 * Parameters: (out, v, gathered, values, start, end, kp, alpha); entry e's y is the (e − start)-th
 * row of `gathered`.
 */
function sparseFunction(mode: 'residual' | 'product'): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32, I32, I32, I32, F64]);
  const [out, v, gathered, values, start, end, kp, alpha] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [e, b, rowBytes, at, vAt, last] = Array.from({ length: 6 }, () => f.local(I32)) as number[];
  const [vlo, vhi] = [f.local(V128), f.local(V128)];
  const lanes = [0, 1].map(() => ({
    y: f.local(I32),
    c1: f.local(F64),
    lo: f.local(V128),
    hi: f.local(V128),
    coef: f.local(V128),
  }));
  /**
   * Entries e .. e + n − 1 together: their dot products share the loads of v, and one pass over
   * `out` adds their terms in entry order, so the sums round exactly as one entry at a time.
   */
  const group = (n: number) => {
    const used = lanes.slice(0, n);
    used.forEach(({ y, c1, lo, hi }, j) => {
      f.get(e!).get(start).op(OP.i32Sub).i32(j).op(OP.i32Add).get(rowBytes!).op(OP.i32Mul);
      f.get(gathered).op(OP.i32Add).set(y);
      f.get(alpha);
      address(f, values, e!, 2)
        .mem(OP.f32Load, 2, 4 * j)
        .op(OP.f64PromoteF32)
        .op(OP.f64Mul)
        .set(c1);
      zeroVector(zeroVector(f).set(lo)).set(hi);
    });
    f.forRange(
      b!,
      () => f.i32(0),
      () => f.get(kp),
      4,
      () => {
        address(f, v, b!, 3).set(vAt!);
        f.get(vAt!).simdMem(SIMD.load, 4).set(vlo);
        f.get(vAt!).simdMem(SIMD.load, 4, 16).set(vhi);
        for (const { y, lo, hi } of used) {
          address(f, y, b!, 2).set(at!);
          f.get(lo).get(at!);
          loadPromoted(f).get(vlo).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(lo);
          f.get(hi).get(at!);
          loadPromoted(f, 8).get(vhi).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(hi);
        }
      },
    );
    for (const { c1, lo, hi, coef } of used) {
      if (mode === 'residual') {
        f.f64(1).get(c1).op(OP.f64Add).get(c1);
        laneSum(f, lo, hi).op(OP.f64Mul).op(OP.f64Sub);
      } else {
        f.get(c1);
        laneSum(f, lo, hi).op(OP.f64Mul);
      }
      f.simd(SIMD.f64x2Splat).set(coef);
    }
    f.forRange(
      b!,
      () => f.i32(0),
      () => f.get(kp),
      2,
      () => {
        address(f, out, b!, 3).set(at!);
        f.get(at!).get(at!).simdMem(SIMD.load, 4);
        for (const { y, coef } of used) {
          f.get(coef);
          address(f, y, b!, 2);
          loadPromoted(f).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
        }
        f.simdMem(SIMD.store, 4);
      },
    );
  };
  f.get(kp).i32(2).op(OP.i32Shl).set(rowBytes!);
  f.get(end).i32(-1).op(OP.i32Add).set(last!);
  f.forRange(
    e!,
    () => f.get(start),
    () => f.get(last!),
    2,
    () => group(2),
  );
  f.get(e!)
    .get(end)
    .op(OP.i32Eq)
    .op(OP.i32Eqz)
    .when(() => group(1));
  return f;
}

/**
 * solveRows(target, fixed, indptr, indices, values, rows, rowBase, kp, gram, scratch, alpha, steps,
 * gather): for each row i < rows (target row rowBase + i, entries indptr[i] .. indptr[i+1]), a few
 * warm-started CG steps on (G + Σ (c−1) y yᵀ) x = Σ c y. `scratch` holds x, r, p and Ap. The row's
 * fixed-side vectors are first copied one after another to `gather`: the four passes over them
 * then read contiguous memory instead of scattered rows (which, at scale, miss the caches).
 */
function solveRowsFunction(): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, I32, I32]);
  const [target, fixed, indptr, indices, values, rows, rowBase, kp, gram, scratch, alpha, steps, gather] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
  ];
  const [i, start, end, t, b, step, x, r, p, ap, vecBytes, e, to, from, rowBytes] = Array.from(
    { length: 15 },
    () => f.local(I32),
  ) as number[];
  const [rs, rsNew, pAp, size, beta, value] = Array.from({ length: 6 }, () => f.local(F64)) as number[];
  const each = (stride: number, body: () => void) =>
    f.forRange(
      b!,
      () => f.i32(0),
      () => f.get(kp),
      stride,
      body,
    );
  const f64At = (base: number) => address(f, base, b!, 3);
  const sparse = (fn: number, out: number, v: number) =>
    f.get(out).get(v).get(gather).get(values).get(start).get(end).get(kp).get(alpha).call(fn);

  f.get(kp).i32(3).op(OP.i32Shl).set(vecBytes!);
  f.get(kp).i32(2).op(OP.i32Shl).set(rowBytes!);
  f.get(scratch).set(x!);
  f.get(x!).get(vecBytes!).op(OP.i32Add).set(r!);
  f.get(r!).get(vecBytes!).op(OP.i32Add).set(p!);
  f.get(p!).get(vecBytes!).op(OP.i32Add).set(ap!);
  f.forRange(
    i!,
    () => f.i32(0),
    () => f.get(rows),
    1,
    () => {
      address(f, indptr, i!, 2).mem(OP.i32Load, 2).set(start!);
      address(f, indptr, i!, 2).mem(OP.i32Load, 2, 4).set(end!);
      f.get(rowBase).get(i!).op(OP.i32Add).get(kp).op(OP.i32Mul).i32(2).op(OP.i32Shl);
      f.get(target).op(OP.i32Add).set(t!);
      f.block(() => {
        f.get(start!)
          .get(end!)
          .op(OP.i32Eq)
          .when(() => {
            // No observations: the exact solution of G·x = 0 is the zero vector.
            each(1, () => address(f, t!, b!, 2).f64(0).op(OP.f32DemoteF64).mem(OP.f32Store, 2));
            f.br(1);
          });
        f.get(gather).set(to!);
        f.forRange(
          e!,
          () => f.get(start!),
          () => f.get(end!),
          1,
          () => {
            address(f, indices, e!, 2).mem(OP.i32Load, 2).get(rowBytes!).op(OP.i32Mul);
            f.get(fixed).op(OP.i32Add).set(from!);
            each(4, () => {
              address(f, to!, b!, 2);
              address(f, from!, b!, 2).simdMem(SIMD.load, 2).simdMem(SIMD.store, 2);
            });
            f.get(to!).get(rowBytes!).op(OP.i32Add).set(to!);
          },
        );
        each(1, () =>
          f64At(x!)
            .emit(() => address(f, t!, b!, 2).mem(OP.f32Load, 2).op(OP.f64PromoteF32))
            .mem(OP.f64Store, 3),
        );
        f.get(r!).get(x!).get(gram).get(kp).call(GEMV);
        each(2, () =>
          f64At(r!)
            .emit(() => f64At(r!).simdMem(SIMD.load, 4).simd(SIMD.f64x2Neg))
            .simdMem(SIMD.store, 4),
        );
        sparse(SPARSE_RESIDUAL, r!, x!);
        f.f64(0).set(rs!);
        each(1, () => {
          f64At(r!).mem(OP.f64Load, 3).set(value!);
          f64At(p!).get(value!).mem(OP.f64Store, 3);
          f.get(rs!).get(value!).get(value!).op(OP.f64Mul).op(OP.f64Add).set(rs!);
        });
        f.i32(0).set(step!);
        f.block(() =>
          f.loop(() => {
            f.get(step!).get(steps).op(OP.i32GeS).brIf(1);
            f.get(rs!).f64(1e-20).op(OP.f64Gt).op(OP.i32Eqz).brIf(1);
            f.get(ap!).get(p!).get(gram).get(kp).call(GEMV);
            sparse(SPARSE_AP, ap!, p!);
            f.f64(0).set(pAp!);
            each(1, () => {
              f.get(pAp!);
              f64At(p!).mem(OP.f64Load, 3);
              f64At(ap!).mem(OP.f64Load, 3).op(OP.f64Mul).op(OP.f64Add).set(pAp!);
            });
            f.get(pAp!).f64(0).op(OP.f64Gt).op(OP.i32Eqz).brIf(1);
            f.get(rs!).get(pAp!).op(OP.f64Div).set(size!);
            f.f64(0).set(rsNew!);
            each(1, () => {
              f64At(x!);
              f64At(x!).mem(OP.f64Load, 3).get(size!);
              f64At(p!).mem(OP.f64Load, 3).op(OP.f64Mul).op(OP.f64Add).mem(OP.f64Store, 3);
              f64At(r!).mem(OP.f64Load, 3).get(size!);
              f64At(ap!).mem(OP.f64Load, 3).op(OP.f64Mul).op(OP.f64Sub).set(value!);
              f64At(r!).get(value!).mem(OP.f64Store, 3);
              f.get(rsNew!).get(value!).get(value!).op(OP.f64Mul).op(OP.f64Add).set(rsNew!);
            });
            f.get(rsNew!).get(rs!).op(OP.f64Div).set(beta!);
            each(1, () => {
              f64At(p!);
              f64At(r!).mem(OP.f64Load, 3).get(beta!);
              f64At(p!).mem(OP.f64Load, 3).op(OP.f64Mul).op(OP.f64Add).mem(OP.f64Store, 3);
            });
            f.get(rsNew!).set(rs!);
            f.get(step!).i32(1).op(OP.i32Add).set(step!).br(0);
          }),
        );
        each(1, () =>
          address(f, t!, b!, 2)
            .emit(() => f64At(x!).mem(OP.f64Load, 3).op(OP.f32DemoteF64))
            .mem(OP.f32Store, 2),
        );
      });
    },
  );
  return f;
}

let compiled: object | undefined;

/** The kernels' module, generated and compiled once per thread. */
function kernelModule(): object {
  compiled ??= new wasm.Module(
    encodeModule([
      { name: 'gram', body: gramFunction(), exported: true },
      { name: 'gemv', body: gemvFunction(), exported: false },
      { name: 'sparseResidual', body: sparseFunction('residual'), exported: false },
      { name: 'sparseProduct', body: sparseFunction('product'), exported: false },
      { name: 'solveRows', body: solveRowsFunction(), exported: true },
    ]),
  );
  return compiled;
}

interface KernelExports {
  gram(fixed: number, rows: number, kp: number, gram: number): void;
  solveRows(
    target: number,
    fixed: number,
    indptr: number,
    indices: number,
    values: number,
    rows: number,
    rowBase: number,
    kp: number,
    gram: number,
    scratch: number,
    alpha: number,
    steps: number,
    gather: number,
  ): void;
}

/** Rows per kernel call: the stop flag is checked between calls. */
const CHUNK_ROWS = 4096;
const MIN_CHUNK_ENTRIES = 1 << 16;
const PAGE = 65_536;
const MAX_PAGES = 65_536;

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

export type Side = 'users' | 'items';

/**
 * One training's working memory: both factor matrices (rows padded to a multiple of four, each row
 * zero-padded to kp = k rounded up to four), the Gram matrix, CG scratch vectors, a window
 * that receives one chunk of a CSR matrix at a time, so the matrix is never copied whole, and room to
 * gather the longest row's fixed-side vectors.
 */
export class AlsKernel {
  private readonly kp: number;
  private readonly memory: { buffer: ArrayBuffer };
  private readonly exports: KernelExports;
  private readonly at: Record<Side, number>;
  private readonly rows: Record<Side, number>;
  private readonly scratch: number;
  private readonly window: { indptr: Int32Array; indices: Int32Array; values: Float32Array };
  private readonly gram: Float64Array;
  private readonly chunkRows: number;
  private readonly gatherAt: number;

  constructor(
    private readonly k: number,
    matrix: InteractionMatrix,
    private readonly params: { alpha: number; regularization: number; cgSteps: number },
    /** Rows per kernel call and the window's least size in entries (small in tests, to cross chunks). */
    chunking: { rows?: number; entries?: number } = {},
  ) {
    const kp = (this.kp = roundUp(k, 4));
    this.rows = { users: matrix.userIds.length, items: matrix.itemIds.length };
    this.chunkRows = chunking.rows ?? CHUNK_ROWS;
    const longest = Math.max(longestRow(matrix.byUser), longestRow(matrix.byItem));
    const widest = Math.max(chunking.entries ?? MIN_CHUNK_ENTRIES, longest);
    let next = kp * kp * 8;
    const take = (bytes: number) => {
      const start = next;
      next += roundUp(bytes, 16);
      return start;
    };
    this.scratch = take(4 * kp * 8);
    this.at = {
      users: take(roundUp(this.rows.users, 4) * kp * 4),
      items: take(roundUp(this.rows.items, 4) * kp * 4),
    };
    const windowAt = {
      indptr: take((this.chunkRows + 1) * 4),
      indices: take(widest * 4),
      values: take(widest * 4),
    };
    this.gatherAt = take(longest * kp * 4);
    const pages = Math.ceil(next / PAGE);
    if (pages > MAX_PAGES) {
      throw new RangeError(
        `Training needs ${(next / 2 ** 30).toFixed(1)} GiB of factor memory, over WebAssembly's 4 GiB: use fewer factors (hidden_dimension) or fewer users and items.`,
      );
    }
    this.memory = new wasm.Memory({ initial: pages });
    this.exports = new wasm.Instance(kernelModule(), { env: { memory: this.memory } })
      .exports as unknown as KernelExports;
    const buffer = this.memory.buffer;
    this.gram = new Float64Array(buffer, 0, kp * kp);
    this.window = {
      indptr: new Int32Array(buffer, windowAt.indptr, this.chunkRows + 1),
      indices: new Int32Array(buffer, windowAt.indices, widest),
      values: new Float32Array(buffer, windowAt.values, widest),
    };
  }

  private view(side: Side): Float32Array {
    return new Float32Array(this.memory.buffer, this.at[side], this.rows[side] * this.kp);
  }

  /** Copies a side's factors (row-major, k per row) in. */
  load(side: Side, factors: Float32Array): void {
    const { k, kp } = this;
    const view = this.view(side);
    for (let row = 0; row < this.rows[side]; row++)
      view.set(factors.subarray(row * k, (row + 1) * k), row * kp);
  }

  /** Copies a side's factors (row-major, k per row) out. */
  store(side: Side, factors: Float32Array): void {
    const { k, kp } = this;
    const view = this.view(side);
    for (let row = 0; row < this.rows[side]; row++)
      factors.set(view.subarray(row * kp, row * kp + k), row * k);
  }

  /** Solves every row of `side` with the other side fixed; `csr` has one row per row of `side`. */
  solve(side: Side, csr: CsrMatrix, control: TrainingControl): void {
    const { kp, gram, window, exports, params } = this;
    const fixed: Side = side === 'users' ? 'items' : 'users';
    gram.fill(0);
    exports.gram(this.at[fixed], roundUp(this.rows[fixed], 4), kp, 0);
    for (let a = 0; a < this.k; a++) {
      gram[a * kp + a]! += params.regularization;
      for (let b = a + 1; b < kp; b++) gram[b * kp + a] = gram[a * kp + b]!;
    }
    const { indptr } = csr;
    for (let first = 0; first < csr.rows;) {
      throwIfStopped(control);
      const base = indptr[first]!;
      let last = first;
      while (
        last < csr.rows &&
        last - first < this.chunkRows &&
        indptr[last + 1]! - base <= window.indices.length
      ) {
        window.indptr[last - first] = indptr[last]! - base;
        last++;
      }
      window.indptr[last - first] = indptr[last]! - base;
      window.indices.set(csr.indices.subarray(base, indptr[last]!));
      window.values.set(csr.values.subarray(base, indptr[last]!));
      exports.solveRows(
        this.at[side],
        this.at[fixed],
        window.indptr.byteOffset,
        window.indices.byteOffset,
        window.values.byteOffset,
        last - first,
        first,
        kp,
        0,
        this.scratch,
        params.alpha,
        params.cgSteps,
        this.gatherAt,
      );
      first = last;
    }
  }
}

function longestRow(csr: CsrMatrix): number {
  let longest = 0;
  for (let row = 0; row < csr.rows; row++)
    longest = Math.max(longest, csr.indptr[row + 1]! - csr.indptr[row]!);
  return longest;
}
