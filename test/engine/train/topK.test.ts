import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topK } from '../../../src/engine/train/topK.js';
import { seededRandom } from '../../../src/shared/random.js';

test('top K returns the same indices as a full sort, best first', () => {
  const random = seededRandom(3);
  const scores = Float64Array.from({ length: 5000 }, () => random());
  const expected = Array.from(scores.keys())
    .sort((a, b) => scores[b]! - scores[a]!)
    .slice(0, 37);
  assert.deepEqual(Array.from(topK(scores, 37)), expected);
});

test('ties go to the lower index and excluded (-Infinity) entries are never returned', () => {
  const scores = [1, 5, 5, -Infinity, 5, 0];
  assert.deepEqual(Array.from(topK(scores, 3)), [1, 2, 4]);
  assert.deepEqual(Array.from(topK(scores, 10)), [1, 2, 4, 0, 5]);
  assert.deepEqual(Array.from(topK(scores, 0)), []);
});
