import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AnswerCache,
  DeploymentAnswers,
  Doorkeeper,
  ENTRY_OVERHEAD_BYTES,
  stringBytes,
} from '../../../src/engine/serve/answerCache.js';

/** Bytes the cache counts for one entry of deployment `d`. */
const weight = (deployment: string, key: string, answer: string) =>
  stringBytes(`${deployment}\u0000${key}`) + stringBytes(answer) + ENTRY_OVERHEAD_BYTES;

/** An answer is kept from the second time its key is asked for: offer it twice. */
function keep(cache: AnswerCache, deployment: string, key: string, answer: string): void {
  cache.offer(deployment, key, answer);
  cache.offer(deployment, key, answer);
}

function keepIn(answers: DeploymentAnswers, key: string, answer: string): void {
  answers.offer(key, answer);
  answers.offer(key, answer);
}

test('one byte budget holds the answers of every deployment, the least recently used going first', () => {
  const one = weight('a', 'k0', 'x'.repeat(50));
  const cache = new AnswerCache(one * 4);
  for (let n = 0; n < 3; n++) keep(cache, 'a', `k${n}`, 'x'.repeat(50));
  keep(cache, 'b', 'k9', 'x'.repeat(50));
  assert.equal(cache.stats().bytes, one * 4);
  assert.equal(cache.get('a', 'k0'), 'x'.repeat(50), 'k0 is now the most recently used');
  keep(cache, 'b', 'k8', 'x'.repeat(50));
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
  keep(cache, 'a', 'small', 'a');
  keep(cache, 'a', 'huge', 'z'.repeat(100));
  assert.equal(cache.get('a', 'huge'), undefined);
  assert.equal(cache.get('a', 'small'), 'a');
});

test('a retired deployment loses its answers and stores nothing more', () => {
  const cache = new AnswerCache(1 << 20);
  const old = new DeploymentAnswers(cache, 'campaign#1');
  const current = new DeploymentAnswers(cache, 'campaign#2');
  keepIn(old, 'u1\u00005', '[1]');
  keepIn(current, 'u2\u00005', '[3]');
  old.retire();
  assert.equal(old.get('u1\u00005'), undefined);
  keepIn(old, 'u9\u00005', '[9]');
  assert.equal(cache.get('campaign#1', 'u9\u00005'), undefined);
  assert.equal(current.get('u2\u00005'), '[3]');
  assert.equal(cache.stats().entries, 1);
  assert.equal(cache.stats().bytes, weight('campaign#2', 'u2\u00005', '[3]'));
});

test('an answer is kept from the second time its key is asked for, so one-off requests never enter', () => {
  const cache = new AnswerCache(1 << 20);
  keep(cache, 'a', 'asked again', '[1]');
  for (let n = 0; n < 1000; n++) cache.offer('a', `one-off ${n}`, '[2]');
  assert.equal(cache.get('a', 'asked again'), '[1]');
  const { entries, firstRequests } = cache.stats();
  assert.ok(entries <= 2, `${entries} entries: one-off answers were kept`);
  assert.ok(firstRequests >= 1000);
  cache.offer('a', 'one-off 7', '[2]');
  assert.equal(cache.get('a', 'one-off 7'), '[2]', 'asked a second time, it is kept');
});

test('the doorkeeper knows the keys it saw, rarely claims one it did not, and clears itself when full', () => {
  const doorkeeper = new Doorkeeper(16); // 65,536 bits: cleared after 4,096 keys
  let falsePositives = 0;
  for (let n = 0; n < 4000; n++) if (doorkeeper.seenBefore(`seen ${n}`)) falsePositives++;
  // About 0.5% expected while filling (1.4% at the end); the bound leaves room for the hash's luck.
  assert.ok(falsePositives <= 60, `${falsePositives} of 4,000 new keys claimed seen`);
  for (let n = 0; n < 4000; n++) assert.equal(doorkeeper.seenBefore(`seen ${n}`), true, `seen ${n}`);
  for (let n = 0; n < 200; n++) doorkeeper.seenBefore(`more ${n}`);
  let remembered = 0;
  for (let n = 0; n < 4000; n++) if (doorkeeper.seenBefore(`seen ${n}`)) remembered++;
  assert.ok(remembered < 400, `${remembered} of 4,000 keys still known after the clear`);
});
