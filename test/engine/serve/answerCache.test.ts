import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AnswerCache,
  DeploymentAnswers,
  ENTRY_OVERHEAD_BYTES,
  stringBytes,
} from '../../../src/engine/serve/answerCache.js';

/** Bytes the cache counts for one entry of deployment `d`. */
const weight = (deployment: string, key: string, answer: string) =>
  stringBytes(`${deployment}\u0000${key}`) + stringBytes(answer) + ENTRY_OVERHEAD_BYTES;

test('one byte budget holds the answers of every deployment, the least recently used going first', () => {
  const one = weight('a', 'k0', 'x'.repeat(50));
  const cache = new AnswerCache(one * 4);
  for (let n = 0; n < 3; n++) cache.set('a', `k${n}`, 'x'.repeat(50));
  cache.set('b', 'k9', 'x'.repeat(50));
  assert.equal(cache.stats().bytes, one * 4);
  assert.equal(cache.get('a', 'k0'), 'x'.repeat(50), 'k0 is now the most recently used');
  cache.set('b', 'k8', 'x'.repeat(50));
  assert.equal(cache.get('a', 'k1'), undefined, 'the least recently used went, whatever its deployment');
  assert.equal(cache.get('a', 'k0'), 'x'.repeat(50));
  assert.equal(cache.get('b', 'k9'), 'x'.repeat(50));
  assert.ok(cache.stats().bytes <= cache.capacityBytes);
  assert.equal(cache.stats().evictions, 1);
});

test('characters beyond Latin-1 count two bytes, as V8 stores them', () => {
  assert.equal(stringBytes('abc'), 3);
  assert.equal(stringBytes('é'), 1);
  assert.equal(stringBytes('日本'), 4);
});

test('an answer larger than the whole budget is served but not kept', () => {
  const cache = new AnswerCache(ENTRY_OVERHEAD_BYTES + 20);
  cache.set('a', 'small', 'a');
  cache.set('a', 'huge', 'z'.repeat(100));
  assert.equal(cache.get('a', 'huge'), undefined);
  assert.equal(cache.get('a', 'small'), 'a');
});

test('a deployment or a key prefix can be invalidated, and a retired deployment stores nothing', () => {
  const cache = new AnswerCache(1 << 20);
  const old = new DeploymentAnswers(cache, 'campaign#1');
  const current = new DeploymentAnswers(cache, 'campaign#2');
  old.set('u1\u00005', '[1]');
  current.set('u1\u00005', '[2]');
  current.set('u2\u00005', '[3]');
  current.invalidatePrefix('u1\u0000');
  assert.equal(current.get('u1\u00005'), undefined);
  assert.equal(current.get('u2\u00005'), '[3]');
  old.retire();
  assert.equal(old.get('u1\u00005'), undefined);
  old.set('u9\u00005', '[9]');
  assert.equal(cache.get('campaign#1', 'u9\u00005'), undefined);
  assert.equal(cache.stats().entries, 1);
  assert.equal(cache.stats().bytes, weight('campaign#2', 'u2\u00005', '[3]'));
});
