import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FactorScorer } from '../../../src/engine/train/factorScoring.js';
import { ItemSet } from '../../../src/engine/train/itemSet.js';
import { dotRow } from '../../../src/engine/train/kernels.js';
import { ROWS_PER_CALL, RowDots } from '../../../src/engine/train/scoringKernel.js';
import { topK } from '../../../src/engine/train/topK.js';
import { seededRandom } from '../../../src/shared/random.js';

const FACTORS = 7;
const ITEMS = 600;
const random = seededRandom(11);
// Factors of mixed sign and spread norms, with exact duplicates so that equal scores occur.
const itemFactors = Float32Array.from(
  { length: ITEMS * FACTORS },
  (_, i) => (random() - 0.4) * (1 + (Math.floor(i / FACTORS) % 9)),
);
for (let item = 0; item < ITEMS; item += 10) {
  itemFactors.copyWithin(item * FACTORS, (ITEMS - 1 - item) * FACTORS, (ITEMS - item) * FACTORS);
}
const scorer = new FactorScorer(itemFactors, FACTORS);

/** The full scan the pruned one must match: every item scored, excluded ones at -Infinity. */
function fullScan(query: Float32Array, k: number, keep: (item: number) => boolean): number[] {
  const scores = Float64Array.from({ length: ITEMS }, (_, item) =>
    keep(item) ? scorer.score(query, 0, item) : -Infinity,
  );
  return Array.from(topK(scores, k));
}

test('the pruned top-k returns exactly the full scan-s items and scores, ties to the lower index', () => {
  for (let q = 0; q < 40; q++) {
    const query = Float32Array.from({ length: FACTORS }, () => random() - 0.5);
    const excluded = ItemSet.where(ITEMS, () => random() < 0.2);
    // Dense and sparse filters (a sparse one is scanned through its own positions), and none.
    const density = [0.7, 0.05, 0][q % 3]!;
    const eligible = density > 0 ? ItemSet.where(ITEMS, () => random() < density) : undefined;
    for (const k of [0, 1, 25, ITEMS]) {
      const ranked = scorer.topK(query, 0, k, excluded, eligible);
      const keep = (item: number) => !excluded.has(item) && (eligible?.has(item) ?? true);
      assert.deepEqual(Array.from(ranked.items), fullScan(query, k, keep), `query ${q}, k ${k}`);
      ranked.items.forEach((item, at) => assert.equal(ranked.scores[at], scorer.score(query, 0, item)));
    }
  }
});

test('a query may start at an offset inside a larger array (a row of a factor matrix)', () => {
  const rows = Float32Array.from({ length: 3 * FACTORS }, () => random() - 0.5);
  const none = new ItemSet(ITEMS);
  assert.deepEqual(
    scorer.topK(rows, 2 * FACTORS, 10, none),
    scorer.topK(rows.slice(2 * FACTORS), 0, 10, none),
  );
});

test('an item set holds exactly the items added, across word boundaries', () => {
  const set = ItemSet.where(70, (item) => item % 31 === 0);
  assert.deepEqual(
    Array.from({ length: 70 }, (_, item) => item).filter((item) => set.has(item)),
    [0, 31, 62],
  );
  set.delete(31);
  set.add(69);
  assert.equal(set.has(31), false);
  assert.equal(set.has(69), true);
});

test('the WebAssembly dot products are dotRow-s bit for bit, whatever the factor count', () => {
  for (const factors of [1, 2, 4, 5, 24, 33]) {
    const items = 150;
    const rows = Float32Array.from({ length: items * factors }, () => (random() - 0.45) * 3);
    const wide = new FactorScorer(rows, factors);
    const query = Float32Array.from({ length: factors }, () => random() - 0.5);
    const ranked = wide.topK(query, 0, items, new ItemSet(items));
    assert.equal(ranked.items.length, items);
    ranked.items.forEach((item, at) => {
      const exact = dotRow(rows, item * factors, Float64Array.from(query), factors);
      assert.equal(ranked.scores[at], exact, `k ${factors}, item ${item}`);
    });
  }
});

test('the kernel scores any number of rows in a call, odd or even, in any order', () => {
  for (const factors of [3, 24]) {
    const items = 100;
    const rows = Float32Array.from({ length: items * factors }, () => (random() - 0.45) * 3);
    const dots = new RowDots(factors, items);
    dots.factors.set(rows);
    const query = Float64Array.from({ length: factors }, () => random() - 0.5);
    dots.query.set(query);
    for (const count of [1, 2, 3, 37, ROWS_PER_CALL - 1, ROWS_PER_CALL]) {
      const picked = Array.from({ length: count }, () => Math.floor(random() * items));
      dots.rows.set(picked);
      dots.dotsAt(count);
      picked.forEach((row, j) =>
        assert.equal(
          dots.out[j],
          dotRow(rows, row * factors, query, factors),
          `k ${factors}, ${count} rows, j ${j}`,
        ),
      );
    }
  }
});

test('item sets from flags, of every item, and copies hold exactly their items', () => {
  for (const count of [1, 31, 32, 33, 70]) {
    const flags = Uint8Array.from({ length: count }, (_, item) => (item % 3 === 0 ? 1 : 0));
    const fromFlags = ItemSet.fromFlags(flags);
    const all = ItemSet.all(count);
    const copy = fromFlags.copy();
    copy.delete(0);
    for (let item = 0; item < count; item++) {
      assert.equal(fromFlags.has(item), item % 3 === 0);
      assert.equal(all.has(item), true);
      assert.equal(copy.has(item), item !== 0 && item % 3 === 0);
    }
    assert.equal(
      all.words.reduce((bits, word) => bits + popCount(word), 0),
      count,
      'no bit past the last item',
    );
  }
});

function popCount(word: number): number {
  let bits = 0;
  for (let w = word >>> 0; w !== 0; w >>>= 1) bits += w & 1;
  return bits;
}
