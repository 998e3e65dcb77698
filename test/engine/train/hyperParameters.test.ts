import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_ALS,
  HyperParameterError,
  parseAlsHyperParameters,
} from '../../../src/engine/train/hyperParameters.js';

test("the service's string hyperparameters map onto ALS settings; absent ones take the defaults", () => {
  const parsed = parseAlsHyperParameters({
    hidden_dimension: '48',
    epochs: '7',
    regularization: '0.5',
    alpha: '3',
  });
  assert.deepEqual(parsed, { ...DEFAULT_ALS, factors: 48, epochs: 7, regularization: 0.5, alpha: 3 });
  assert.deepEqual(parseAlsHyperParameters(undefined), DEFAULT_ALS);
});

test('service keys without a local meaning are ignored', () => {
  assert.deepEqual(parseAlsHyperParameters({ bptt: '32', recency_mask: 'true' }), DEFAULT_ALS);
});

test('a malformed or out-of-range value is rejected with the key and the allowed range', () => {
  assert.throws(
    () => parseAlsHyperParameters({ hidden_dimension: '12.5' }),
    (error: unknown) =>
      error instanceof HyperParameterError &&
      /algorithmHyperParameters\.hidden_dimension is '12\.5'.*integer from 1 to 1024/.test(error.message),
  );
  assert.throws(() => parseAlsHyperParameters({ epochs: '0' }), /epochs is 0: it must be from 1 to 500/);
  assert.throws(() => parseAlsHyperParameters({ alpha: 'lots' }), HyperParameterError);
});
