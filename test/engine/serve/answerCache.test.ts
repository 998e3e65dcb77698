import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnswerCache } from '../../../src/engine/serve/liveDeployments.js';

test('the answer cache holds at most its capacity in characters, dropping the oldest answers first', () => {
  const cache = new AnswerCache(100);
  for (let n = 0; n < 10; n++) cache.set(`k${n}`, 'x'.repeat(18)); // 20 characters each
  assert.ok(cache.heldCharacters <= 100, `holds ${cache.heldCharacters}`);
  assert.equal(cache.get('k0'), undefined, 'the oldest went first');
  assert.equal(cache.get('k9'), 'x'.repeat(18));
  assert.equal(cache.heldCharacters, 100);

  cache.set('big', 'y'.repeat(60));
  assert.equal(cache.get('big'), 'y'.repeat(60));
  assert.ok(cache.heldCharacters <= 100);
  assert.equal(cache.get('k6'), undefined);
  assert.equal(cache.get('k9'), 'x'.repeat(18));
});

test('an answer larger than the whole cache is served but not kept', () => {
  const cache = new AnswerCache(50);
  cache.set('small', 'a');
  cache.set('huge', 'z'.repeat(100));
  assert.equal(cache.get('huge'), undefined);
  assert.equal(cache.get('small'), 'a');
  assert.equal(cache.heldCharacters, 6);
});
