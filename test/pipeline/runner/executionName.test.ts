import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidExecutionName, newExecutionName } from '../../../src/pipeline/runner/executionName.js';

test('a new execution name is the UTC start time and a random suffix, short enough to prefix resource names', () => {
  const name = newExecutionName(Date.UTC(2025, 2, 1, 6, 0, 0, 123), () => '3f9a');
  assert.equal(name, '20250301T060000Z-3f9a');
  assert.ok(isValidExecutionName(name));
  assert.match(newExecutionName(), /^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
});

test('execution names follow Step Functions rules', () => {
  assert.equal(isValidExecutionName('nightly-2025'), true);
  assert.equal(isValidExecutionName(''), false);
  assert.equal(isValidExecutionName('a'.repeat(81)), false);
  assert.equal(isValidExecutionName('has space'), false);
  assert.equal(isValidExecutionName('a:b'), false);
  assert.equal(isValidExecutionName('tab\there'), false);
});
