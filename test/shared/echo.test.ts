import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capMessage, echo } from '../../src/shared/echo.js';

test('echo repeats short input as it is and cuts long input at 200 characters with its length', () => {
  assert.equal(echo('bucket-name'), 'bucket-name');
  assert.equal(echo('x'.repeat(200)), 'x'.repeat(200));
  assert.equal(echo('y'.repeat(1_000_000)), `${'y'.repeat(200)}… (1000000 characters)`);
  assert.equal(echo({ a: 1 }), '{"a":1}');
  assert.equal(echo(undefined), 'undefined');
});

test('capMessage bounds a whole message, for reasons that may embed input', () => {
  assert.equal(capMessage('short'), 'short');
  assert.equal(capMessage('z'.repeat(5000)).length, 1000 + '… (cut at 1000 characters)'.length);
});
