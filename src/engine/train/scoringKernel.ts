/**
 * Dot products of one query against a run of item factor rows, as a WebAssembly SIMD function
 * generated per factor count (wasmEmitter.ts): the inner loop of serving's top-k, where a fresh
 * request spends most of its time.
 *
 * The arithmetic is `dotRow`'s (kernels.ts), operation for operation: f32 rows times an f64 query,
 * four partial sums (lanes f mod 4, two f64x2 vectors), a remainder of k mod 4 added to the first,
 * and the sums added as (s0 + s1) + (s2 + s3). So every score is bit-identical to `dotRow`'s, and the
 * pruned top-k stays exactly the full scan's.
 */
import { F64, FunctionBody, I32, OP, SIMD, V128, encodeModule, wasm } from './wasmEmitter.js';

/** Rows scored per call at most: enough to pay for the call, few enough that a pruned scan wastes little. */
export const ROWS_PER_CALL = 64;

const PAGE = 65_536;
const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/**
 * dotsAt(count): out[j] = row[rows[j]] · query for j < count. The addresses depend only on k (every
 * scorer's memory is laid out the same way) and are baked in; the k loop is unrolled with the query
 * held in locals.
 */
function dotsFunction(k: number): FunctionBody {
  const { queryAt, outAt, indexAt, rowsAt } = layout(k);
  const f = new FunctionBody([I32]);
  const count = 0;
  const [j, row] = [f.local(I32), f.local(I32)];
  const [lo, hi] = [f.local(V128), f.local(V128)];
  const s0 = f.local(F64);
  const groups = Math.floor(k / 4);
  const query = Array.from({ length: groups }, () => [f.local(V128), f.local(V128)] as const);
  query.forEach(([qlo, qhi], g) => {
    f.i32(queryAt + 32 * g)
      .simdMem(SIMD.load, 3)
      .set(qlo);
    f.i32(queryAt + 32 * g + 16)
      .simdMem(SIMD.load, 3)
      .set(qhi);
  });
  f.forRange(
    j,
    () => f.i32(0),
    () => f.get(count),
    1,
    () => {
      // row = rowsAt + rows[j] · k · 4
      f.get(j).i32(2).op(OP.i32Shl).mem(OP.i32Load, 2, indexAt);
      f.i32(k * 4)
        .op(OP.i32Mul)
        .i32(rowsAt)
        .op(OP.i32Add)
        .set(row);
      f.f64(0).simd(SIMD.f64x2Splat).set(lo);
      f.f64(0).simd(SIMD.f64x2Splat).set(hi);
      query.forEach(([qlo, qhi], g) => {
        f.get(lo)
          .get(row)
          .simdMem(SIMD.load64Zero, 2, 16 * g)
          .simd(SIMD.f64x2PromoteLowF32x4);
        f.get(qlo).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(lo);
        f.get(hi)
          .get(row)
          .simdMem(SIMD.load64Zero, 2, 16 * g + 8)
          .simd(SIMD.f64x2PromoteLowF32x4);
        f.get(qhi).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(hi);
      });
      f.get(lo).lane(0).set(s0);
      for (let t = groups * 4; t < k; t++) {
        f.get(s0);
        f.get(row)
          .mem(OP.f32Load, 2, 4 * t)
          .op(OP.f64PromoteF32);
        f.i32(queryAt + 8 * t)
          .mem(OP.f64Load, 3)
          .op(OP.f64Mul)
          .op(OP.f64Add)
          .set(s0);
      }
      // out[j] = (s0 + s1) + (s2 + s3)
      f.get(j).i32(3).op(OP.i32Shl);
      f.get(s0).get(lo).lane(1).op(OP.f64Add);
      f.get(hi).lane(0).get(hi).lane(1).op(OP.f64Add);
      f.op(OP.f64Add).mem(OP.f64Store, 3, outAt);
    },
  );
  return f;
}

/** A scorer's memory: the query, the output window, the row numbers to score, then the rows. */
function layout(k: number): { queryAt: number; outAt: number; indexAt: number; rowsAt: number } {
  const queryAt = 0;
  const outAt = queryAt + roundUp(k, 4) * 8;
  const indexAt = outAt + ROWS_PER_CALL * 8;
  return { queryAt, outAt, indexAt, rowsAt: indexAt + ROWS_PER_CALL * 4 };
}

/** Compiled modules by factor count, shared by every scorer with that many factors. */
const modules = new Map<number, object>();

function dotsModule(k: number): object {
  let compiled = modules.get(k);
  if (!compiled) {
    compiled = new wasm.Module(encodeModule([{ name: 'dotsAt', body: dotsFunction(k), exported: true }]));
    modules.set(k, compiled);
  }
  return compiled;
}

/**
 * One model's item factor rows in WebAssembly memory, with a query slot and windows for the row
 * numbers to score and their scores: `dotsAt(count)` leaves `out[j]` = row `rows[j]` · `query`.
 */
export class RowDots {
  /** The factor rows, `k` f32 each, in the order given to the constructor. */
  readonly factors: Float32Array;
  /** The query: write `k` numbers before calling `dotsAt`. */
  readonly query: Float64Array;
  /** Which rows the next call scores (`ROWS_PER_CALL` at most). */
  readonly rows: Int32Array;
  /** The last call's scores, in the order of `rows`. */
  readonly out: Float64Array;
  readonly dotsAt: (count: number) => void;

  constructor(k: number, rowCount: number) {
    const at = layout(k);
    const memory = new wasm.Memory({ initial: Math.ceil((at.rowsAt + rowCount * k * 4) / PAGE) || 1 });
    const { dotsAt } = new wasm.Instance(dotsModule(k), { env: { memory } }).exports as {
      dotsAt: (count: number) => void;
    };
    this.dotsAt = dotsAt;
    this.factors = new Float32Array(memory.buffer, at.rowsAt, rowCount * k);
    this.query = new Float64Array(memory.buffer, at.queryAt, k);
    this.rows = new Int32Array(memory.buffer, at.indexAt, ROWS_PER_CALL);
    this.out = new Float64Array(memory.buffer, at.outAt, ROWS_PER_CALL);
  }
}
