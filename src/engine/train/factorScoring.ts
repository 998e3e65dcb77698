import type { ItemSet } from './itemSet.js';
import { dotRow } from './kernels.js';
import { BoundedScoreHeap } from './scoreHeap.js';
import { ROWS_PER_CALL, RowDots } from './scoringKernel.js';

/** A query's best items, best first: `items[j]` scored `scores[j]`. */
export interface RankedItems {
  readonly items: Int32Array;
  readonly scores: Float64Array;
}

/**
 * Exact top-k over an ALS model's item factors without scoring every item. The items are held in one
 * contiguous block ordered by descending vector norm, and by Cauchy–Schwarz no item can score above
 * ‖query‖·‖item‖; so the scan stops as soon as that bound falls below the k-th best score found so far.
 * With 25 results on MovieLens-small that is after about 15% of the items. Answers are the same as a
 * full scan's, ties included (equal scores go to the lower item index). The dot products of the rows
 * that pass the exclusion and filter checks run in WebAssembly SIMD, up to 64 rows a call
 * (scoringKernel.ts), bit-identical to `dotRow`; rows a filter leaves out are never scored.
 */
export class FactorScorer {
  readonly factors: number;
  readonly itemCount: number;
  /** Item index at each position of the scan order. */
  private readonly order: Int32Array;
  /** Norm of the item at each position, non-increasing. */
  private readonly norms: Float64Array;
  /** Item factors in scan order, `factors` per item, and the query, in WebAssembly memory. */
  private readonly dots: RowDots;
  /** Scan position of each item. */
  private readonly positionOf: Int32Array;
  /** Per eligible set: the positions of its items in scan order when it is sparse, else null. */
  private readonly sparseScans = new WeakMap<ItemSet, Int32Array | null>();

  constructor(
    private readonly itemFactors: Float32Array,
    factors: number,
  ) {
    this.factors = factors;
    this.itemCount = itemFactors.length / factors;
    const itemNorms = new Float64Array(this.itemCount);
    for (let item = 0; item < this.itemCount; item++) {
      itemNorms[item] = Math.sqrt(squaredNorm(itemFactors, item * factors, factors));
    }
    this.order = Int32Array.from({ length: this.itemCount }, (_, item) => item).sort(
      (a, b) => itemNorms[b]! - itemNorms[a]! || a - b,
    );
    this.norms = Float64Array.from(this.order, (item) => itemNorms[item]!);
    this.positionOf = new Int32Array(this.itemCount);
    this.order.forEach((item, position) => (this.positionOf[item] = position));
    this.dots = new RowDots(factors, this.itemCount);
    const block = this.dots.factors;
    this.order.forEach((item, position) =>
      block.set(itemFactors.subarray(item * factors, (item + 1) * factors), position * factors),
    );
  }

  /**
   * The `k` best items for a query vector (a user's factors, or an item's for similar items), best
   * first. Items in `excluded` are skipped; with `eligible`, only items in it are considered (a set
   * must not change once used here: a sparse one's scan positions are kept with it).
   */
  topK(
    vector: ArrayLike<number>,
    offset: number,
    k: number,
    excluded: ItemSet,
    eligible?: ItemSet,
  ): RankedItems {
    const { factors, order, norms, dots, itemCount } = this;
    const query = this.loadQuery(vector, offset);
    // Rounding may put a computed dot product a hair above the exact bound; the slack covers it.
    const queryNorm = Math.sqrt(squaredNorm(query, 0, factors)) * (1 + 1e-9);
    const heap = new BoundedScoreHeap(Math.max(0, Math.min(k, itemCount)));
    if (heap.capacity === 0) return heap.drain();
    const excludedWords = excluded.words;
    const eligibleWords = eligible?.words;
    const { rows, out } = dots;
    // Rows that pass the item checks are scored in batches; each is offered in scan order and the
    // bound is checked again as it is, so the answer is the one-at-a-time scan's.
    // A sparse filter's items are visited alone instead of passing over the whole catalogue.
    const scan = eligible && this.sparseScan(eligible);
    const end = scan ? scan.length : itemCount;
    // The kept list's worst score, once it is full (-Infinity before): most rows score below it and
    // are turned away here, without a call into the heap.
    let worst = -Infinity;
    let cursor = 0;
    scan: while (cursor < end) {
      let count = 0;
      for (; cursor < end && count < ROWS_PER_CALL; cursor++) {
        const position = scan ? scan[cursor]! : cursor;
        if (queryNorm * norms[position]! < worst) {
          cursor = end;
          break;
        }
        const item = order[position]!;
        const word = item >>> 5;
        const bit = 1 << (item & 31);
        if ((excludedWords[word]! & bit) !== 0) continue;
        if (eligibleWords !== undefined && (eligibleWords[word]! & bit) === 0) continue;
        rows[count++] = position;
      }
      if (count === 0) continue;
      dots.dotsAt(count);
      for (let j = 0; j < count; j++) {
        const at = rows[j]!;
        if (queryNorm * norms[at]! < worst) break scan;
        const score = out[j]!;
        // Equal to the worst kept: the heap decides by item index.
        if (score < worst) continue;
        heap.offer(score, order[at]!);
        if (heap.full) worst = heap.worstScore;
      }
    }
    return heap.drain();
  }

  /** The scan positions of a set holding at most an eighth of the items, ascending; null for a larger one. */
  private sparseScan(eligible: ItemSet): Int32Array | null {
    let positions = this.sparseScans.get(eligible);
    if (positions === undefined) {
      positions = null;
      const { words } = eligible;
      let count = 0;
      for (let w = 0; w < words.length; w++) count += bitCount(words[w]!);
      if (count <= this.itemCount / 8) {
        positions = new Int32Array(count);
        let next = 0;
        for (let item = 0; item < this.itemCount; item++)
          if ((words[item >>> 5]! & (1 << (item & 31))) !== 0) positions[next++] = this.positionOf[item]!;
        positions.sort();
      }
      this.sparseScans.set(eligible, positions);
    }
    return positions;
  }

  /** The score of one item for a query vector. */
  score(vector: ArrayLike<number>, offset: number, item: number): number {
    return dotRow(this.itemFactors, item * this.factors, this.loadQuery(vector, offset), this.factors);
  }

  private loadQuery(vector: ArrayLike<number>, offset: number): Float64Array {
    const { query } = this.dots;
    for (let f = 0; f < this.factors; f++) query[f] = vector[offset + f]!;
    return query;
  }
}

function squaredNorm(values: ArrayLike<number>, offset: number, length: number): number {
  let sum = 0;
  for (let f = 0; f < length; f++) sum += values[offset + f]! * values[offset + f]!;
  return sum;
}

function bitCount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
