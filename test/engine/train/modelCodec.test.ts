import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeModel, encodeModel, ModelFormatError } from '../../../src/engine/train/modelCodec.js';
import { fitModel } from '../../../src/engine/train/trainSolution.js';
import { clusteredTable } from './syntheticInteractions.js';

const interactions = clusteredTable({
  users: 60,
  items: 90,
  clusters: 3,
  eventsPerUser: 10,
  loyalty: 0.8,
  seed: 4,
});

for (const algorithm of ['user-personalization', 'popularity-count', 'similar-items'] as const) {
  test(`a ${algorithm} model survives a round trip through its blob, even from an unaligned buffer`, () => {
    const { model } = fitModel({ algorithm, interactions, seed: 1 });
    const blob = encodeModel(model);
    // SQLite hands blobs back at arbitrary offsets; decoding must not depend on alignment.
    const unaligned = Buffer.alloc(blob.length + 3);
    blob.copy(unaligned, 3);
    assert.deepEqual(decodeModel(unaligned.subarray(3)), model);
  });
}

test('a blob that is not a model, or is cut short, is refused with a clear error', () => {
  assert.throws(() => decodeModel(Buffer.from('hello world')), ModelFormatError);
  const blob = encodeModel(fitModel({ algorithm: 'user-personalization', interactions, seed: 1 }).model);
  assert.throws(() => decodeModel(blob.subarray(0, blob.length - 100)), /truncated/);
});

test('factors are stored compactly, as float32', () => {
  const { model } = fitModel({ algorithm: 'user-personalization', interactions, seed: 1 });
  if (model.algorithm !== 'user-personalization') throw new Error('unexpected algorithm');
  const blob = encodeModel(model);
  const factorBytes = model.userFactors.byteLength + model.itemFactors.byteLength;
  assert.ok(
    blob.length < factorBytes * 1.5 + 10_000,
    `${blob.length} bytes for ${factorBytes} bytes of factors`,
  );
});
