import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mixExploration } from '../../../src/engine/train/exploration.js';

const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, at) => from + at);

test('exploration slots take distinct candidates that are neither blocked nor already ranked', () => {
  const ranked = range(0, 25);
  const candidates = range(10, 200); // 10..24 are ranked too
  const blocked = (item: number) => item % 3 === 0;
  for (let user = 0; user < 200; user++) {
    const mixed = mixExploration(ranked, candidates, 0.3, 25, blocked, `u${user}`);
    assert.equal(mixed.length, 25);
    assert.equal(new Set(mixed).size, 25, 'no item twice');
    const explored = [...mixed].filter((item) => item >= 25);
    assert.equal(explored.length, 8, 'round(0.3 × 25) slots');
    for (const item of explored) assert.ok(!blocked(item), `blocked item ${item} drawn`);
    // The ranked items keep their order.
    const kept = [...mixed].filter((item) => item < 25);
    assert.deepEqual(kept, [...ranked.subarray(0, kept.length)]);
  }
});

test('the draw is stable for a user and uniform over the allowed candidates', () => {
  const ranked = range(0, 10);
  const candidates = range(100, 120);
  const blocked = (item: number) => item >= 115;
  const counts = new Map<number, number>();
  for (let user = 0; user < 4000; user++) {
    const mixed = mixExploration(ranked, candidates, 0.2, 10, blocked, `user-${user}`);
    assert.deepEqual(mixExploration(ranked, candidates, 0.2, 10, blocked, `user-${user}`), mixed);
    for (const item of mixed) if (item >= 100) counts.set(item, (counts.get(item) ?? 0) + 1);
  }
  assert.deepEqual(
    [...counts.keys()].sort((a, b) => a - b),
    [...range(100, 115)],
  );
  // 8,000 draws over 15 items: about 533 each.
  for (const [item, count] of counts)
    assert.ok(count > 400 && count < 670, `item ${item} drawn ${count} times`);
});

test('with almost every candidate blocked the few allowed ones are still found, then the ranking fills in', () => {
  const ranked = range(0, 30);
  const candidates = range(1000, 6000);
  const allowed = new Set([1234, 4321]);
  const mixed = mixExploration(ranked, candidates, 0.5, 20, (item) => !allowed.has(item), 'u');
  assert.equal(mixed.length, 20);
  assert.deepEqual(new Set([...mixed].filter((item) => item >= 1000)), allowed);
  assert.equal([...mixed].filter((item) => item < 30).length, 18);
});

test('a short ranking is filled with exploration items; nothing allowed leaves the ranking as it is', () => {
  const filled = mixExploration(range(0, 3), range(50, 60), 0.3, 10, () => false, 'u');
  assert.equal(filled.length, 10);
  assert.deepEqual(
    [...filled].filter((item) => item < 3),
    [0, 1, 2],
  );
  assert.deepEqual(
    [...mixExploration(range(0, 5), range(50, 60), 0.3, 10, () => true, 'u')],
    [0, 1, 2, 3, 4],
  );
});
