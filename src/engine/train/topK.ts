/**
 * The indices of the `k` highest scores, best first; ties go to the lower index so results are
 * deterministic. Entries scored -Infinity are never selected (callers use that to exclude items).
 * A bounded min-heap keeps this O(n log k) with no allocation beyond the result.
 */
export function topK(scores: ArrayLike<number>, k: number): Int32Array {
  const heapIndex = new Int32Array(Math.max(0, k));
  const heapScore = new Float64Array(Math.max(0, k));
  let size = 0;
  // "a is worse than b": lower score, or equal score and higher index.
  const worse = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);
  const siftDown = (from: number) => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && worse(heapScore[l]!, heapIndex[l]!, heapScore[m]!, heapIndex[m]!)) m = l;
      if (r < size && worse(heapScore[r]!, heapIndex[r]!, heapScore[m]!, heapIndex[m]!)) m = r;
      if (m === i) return;
      const ts = heapScore[i]!;
      const ti = heapIndex[i]!;
      heapScore[i] = heapScore[m]!;
      heapIndex[i] = heapIndex[m]!;
      heapScore[m] = ts;
      heapIndex[m] = ti;
      i = m;
    }
  };
  for (let index = 0; index < scores.length; index++) {
    const score = scores[index]!;
    if (score === -Infinity || Number.isNaN(score)) continue;
    if (size < k) {
      let i = size++;
      heapScore[i] = score;
      heapIndex[i] = index;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(heapScore[i]!, heapIndex[i]!, heapScore[parent]!, heapIndex[parent]!)) break;
        const ts = heapScore[i]!;
        const ti = heapIndex[i]!;
        heapScore[i] = heapScore[parent]!;
        heapIndex[i] = heapIndex[parent]!;
        heapScore[parent] = ts;
        heapIndex[parent] = ti;
        i = parent;
      }
    } else if (k > 0 && worse(heapScore[0]!, heapIndex[0]!, score, index)) {
      heapScore[0] = score;
      heapIndex[0] = index;
      siftDown(0);
    }
  }
  const result = new Int32Array(size);
  while (size > 0) {
    result[size - 1] = heapIndex[0]!;
    size--;
    heapScore[0] = heapScore[size]!;
    heapIndex[0] = heapIndex[size]!;
    siftDown(0);
  }
  return result;
}
