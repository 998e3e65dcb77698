import { BoundedScoreHeap } from './scoreHeap.js';

/**
 * The indices of the `k` highest scores, best first; ties go to the lower index so results are
 * deterministic. Entries scored -Infinity are never selected (callers use that to exclude items).
 * A bounded min-heap keeps this O(n log k) with no allocation beyond the result.
 */
export function topK(scores: ArrayLike<number>, k: number): Int32Array {
  const heap = new BoundedScoreHeap(Math.max(0, k));
  for (let index = 0; index < scores.length; index++) {
    const score = scores[index]!;
    if (score === -Infinity || Number.isNaN(score)) continue;
    heap.offer(score, index);
  }
  return heap.drain().items;
}
