import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tableFromRows } from '../../../src/engine/train/datasetTable.js';
import {
  buildInteractionMatrix,
  type InteractionMatrix,
} from '../../../src/engine/train/interactionMatrix.js';
import { interactionsTable } from './syntheticInteractions.js';

const DAY = 86_400;

/** The matrix as { user: { item: weight } } for readable assertions. */
function cells(matrix: InteractionMatrix): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  matrix.userIds.forEach((user, u) => {
    const row: Record<string, number> = {};
    for (let e = matrix.byUser.indptr[u]!; e < matrix.byUser.indptr[u + 1]!; e++) {
      row[matrix.itemIds[matrix.byUser.indices[e]!]!] = Math.round(matrix.byUser.values[e]! * 1e4) / 1e4;
    }
    out[user] = row;
  });
  return out;
}

test('repeated (user, item) events are summed into one cell, and both orientations agree', () => {
  const matrix = buildInteractionMatrix(
    interactionsTable([
      { USER_ID: 'ann', ITEM_ID: 'a', TIMESTAMP: 1 },
      { USER_ID: 'ann', ITEM_ID: 'b', TIMESTAMP: 2 },
      { USER_ID: 'ann', ITEM_ID: 'a', TIMESTAMP: 3 },
      { USER_ID: 'bob', ITEM_ID: 'b', TIMESTAMP: 4 },
    ]),
  );
  assert.deepEqual(cells(matrix), { ann: { a: 2, b: 1 }, bob: { b: 1 } });
  assert.equal(matrix.byItem.indices.length, 3);
  assert.deepEqual(Array.from(matrix.itemWeight), [2, 2]);
  assert.equal(matrix.latestTimestamp, 4);
});

test('event types weigh as configured, a solution eventType keeps only that type, thresholds drop low values', () => {
  const table = interactionsTable([
    { USER_ID: 'ann', ITEM_ID: 'a', TIMESTAMP: 1, EVENT_TYPE: 'click', EVENT_VALUE: 1 },
    { USER_ID: 'ann', ITEM_ID: 'b', TIMESTAMP: 2, EVENT_TYPE: 'purchase', EVENT_VALUE: 9 },
    { USER_ID: 'ann', ITEM_ID: 'c', TIMESTAMP: 3, EVENT_TYPE: 'purchase', EVENT_VALUE: 2 },
  ]);
  const weighted = buildInteractionMatrix(table, {
    eventWeights: [{ eventType: 'purchase', weight: 4, eventValueThreshold: 5 }],
  });
  assert.deepEqual(cells(weighted), { ann: { a: 1, b: 4 } });
  const purchasesOnly = buildInteractionMatrix(table, { eventType: 'purchase' });
  assert.deepEqual(cells(purchasesOnly), { ann: { b: 1, c: 1 } });
  assert.deepEqual(cells(buildInteractionMatrix(table, { eventValueThreshold: 2 })), { ann: { b: 1, c: 1 } });
});

test('with a recency half-life, an event that many days older than the newest weighs half', () => {
  const matrix = buildInteractionMatrix(
    interactionsTable([
      { USER_ID: 'ann', ITEM_ID: 'old', TIMESTAMP: 0 },
      { USER_ID: 'ann', ITEM_ID: 'new', TIMESTAMP: 30 * DAY },
    ]),
    { recencyHalfLifeDays: 30 },
  );
  assert.deepEqual(cells(matrix), { ann: { old: 0.5, new: 1 } });
});

test('items of the Items dataset join the catalogue without interactions, with their creation time', () => {
  const items = tableFromRows(
    [
      { ITEM_ID: 'a', CREATION_TIMESTAMP: 100 },
      { ITEM_ID: 'fresh', CREATION_TIMESTAMP: 500 },
    ],
    { ITEM_ID: 'string', CREATION_TIMESTAMP: 'number' },
  );
  const matrix = buildInteractionMatrix(interactionsTable([{ USER_ID: 'ann', ITEM_ID: 'a', TIMESTAMP: 7 }]), {
    items,
  });
  assert.deepEqual(matrix.itemIds, ['a', 'fresh']);
  assert.deepEqual(Array.from(matrix.itemWeight), [1, 0]);
  assert.deepEqual(Array.from(matrix.itemCreated), [100, 500]);
  assert.equal(matrix.byItem.indptr[2]! - matrix.byItem.indptr[1]!, 0);
});

test('seed ids keep their indices, so an UPDATE model lines up with the previous one', () => {
  const matrix = buildInteractionMatrix(
    interactionsTable([
      { USER_ID: 'new', ITEM_ID: 'z', TIMESTAMP: 1 },
      { USER_ID: 'old', ITEM_ID: 'y', TIMESTAMP: 2 },
    ]),
    { seedUserIds: ['old', 'gone'], seedItemIds: ['y'] },
  );
  assert.deepEqual(matrix.userIds, ['old', 'gone', 'new']);
  assert.deepEqual(matrix.itemIds, ['y', 'z']);
  assert.deepEqual(cells(matrix), { old: { y: 1 }, gone: {}, new: { z: 1 } });
});

test('events without a user or an item id are skipped', () => {
  const matrix = buildInteractionMatrix(
    tableFromRows(
      [
        { USER_ID: 'ann', ITEM_ID: null, TIMESTAMP: 1 },
        { USER_ID: null, ITEM_ID: 'a', TIMESTAMP: 1 },
        { USER_ID: 'ann', ITEM_ID: 'a', TIMESTAMP: 2 },
      ],
      { USER_ID: 'string', ITEM_ID: 'string', TIMESTAMP: 'number' },
    ),
  );
  assert.deepEqual(cells(matrix), { ann: { a: 1 } });
});
