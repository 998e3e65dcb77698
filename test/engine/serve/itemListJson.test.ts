import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankedItemListJson, roundScore, scoreText } from '../../../src/engine/serve/itemListJson.js';
import type { TrainedModel } from '../../../src/engine/train/model.js';
import { seededRandom } from '../../../src/shared/random.js';

test('a score is written exactly as JSON.stringify writes the rounded score, at every magnitude', () => {
  const random = seededRandom(7);
  const edges = [
    0,
    -0,
    1,
    -1,
    0.5,
    100,
    1234567,
    12345678,
    1e21,
    1e-6,
    1e-7,
    9.9999999e-7,
    9.99999951e-7,
    0.99999999,
    0.123456749999,
    2 ** -30,
    Number.MIN_VALUE,
    Number.MAX_VALUE,
    -3.25e-9,
    NaN,
    Infinity,
    -Infinity,
  ];
  const values = [...edges];
  for (let i = 0; i < 20_000; i++) {
    const magnitude = 10 ** Math.floor(random() * 40 - 25);
    values.push((random() - 0.2) * magnitude);
  }
  for (const value of values) assert.equal(scoreText(value), JSON.stringify(roundScore(value)), `${value}`);
});

test('an itemList written from item indices is the JSON of the same list of objects', () => {
  const model = { itemIds: ['a', 'b"quoted"', 'c\\d', 'é'] } as unknown as TrainedModel;
  const ranked = {
    items: Int32Array.from([3, 1, 0, 2]),
    scores: Float64Array.from([0.5, 1e-9, 0.1234567891, 0]),
  };
  assert.equal(
    rankedItemListJson(model, ranked),
    JSON.stringify(
      Array.from(ranked.items, (item, at) => ({
        itemId: model.itemIds[item],
        score: roundScore(ranked.scores[at]!),
      })),
    ),
  );
});
