/**
 * The inner loop of scoring, unrolled by four so that independent partial sums let the CPU overlap
 * the multiply-adds. (Training's loops are WebAssembly SIMD: alsKernel.ts.)
 */

/** Σ row[offset + f]·v[f] over f < k, for a Float32 factor row. */
export function dotRow(row: Float32Array, offset: number, v: Float64Array, k: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let f = 0;
  for (; f + 3 < k; f += 4) {
    s0 += row[offset + f]! * v[f]!;
    s1 += row[offset + f + 1]! * v[f + 1]!;
    s2 += row[offset + f + 2]! * v[f + 2]!;
    s3 += row[offset + f + 3]! * v[f + 3]!;
  }
  for (; f < k; f++) s0 += row[offset + f]! * v[f]!;
  return s0 + s1 + (s2 + s3);
}
