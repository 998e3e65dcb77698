import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateShop, interactionsCsv, itemsCsv } from '../../src/demo/syntheticShop.js';

const options = { users: 120, items: 300, weeks: 6, seed: 7 };

test('the same seed gives the same shop, another seed another', () => {
  assert.deepEqual(generateShop(options), generateShop(options));
  assert.notDeepEqual(generateShop(options).interactions, generateShop({ ...options, seed: 8 }).interactions);
});

test('new items keep arriving: the last week has items that did not exist in the first', () => {
  const shop = generateShop(options);
  const firstWeekEnd = shop.weekStarts[1] ?? 0;
  const lastWeekStart = shop.weekStarts.at(-1) ?? 0;
  const seenEarly = new Set(shop.interactions.filter((i) => i.timestamp < firstWeekEnd).map((i) => i.itemId));
  const lateOnly = shop.interactions.filter((i) => i.timestamp >= lastWeekStart && !seenEarly.has(i.itemId));
  assert.ok(lateOnly.length > 0.2 * shop.interactions.filter((i) => i.timestamp >= lastWeekStart).length);
});

test('tastes drift: most users favour a different genre in the last week than in the first', () => {
  const shop = generateShop(options);
  const genreOf = new Map(shop.items.map((item) => [item.id, item.genre]));
  const firstWeekEnd = shop.weekStarts[1] ?? 0;
  const lastWeekStart = shop.weekStarts.at(-1) ?? 0;
  const favourite = (userId: string, keep: (t: number) => boolean): string | undefined => {
    const counts = new Map<string, number>();
    for (const i of shop.interactions) {
      if (i.userId !== userId || !keep(i.timestamp)) continue;
      const genre = genreOf.get(i.itemId) ?? '';
      counts.set(genre, (counts.get(genre) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  };
  const moved = shop.users.filter(
    (user) => favourite(user.id, (t) => t < firstWeekEnd) !== favourite(user.id, (t) => t >= lastWeekStart),
  );
  assert.ok(
    moved.length > shop.users.length / 2,
    `only ${moved.length} of ${shop.users.length} users drifted`,
  );
});

test('the CSVs have the headers the demo schemas declare and one line per record', () => {
  const shop = generateShop(options);
  const interactions = interactionsCsv(shop.interactions).trimEnd().split('\n');
  assert.equal(interactions[0], 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE');
  assert.equal(interactions.length, shop.interactions.length + 1);
  assert.match(interactions[1] ?? '', /^user-\d{5},item-\d{5},\d{10},(view|purchase)$/);
  assert.equal(itemsCsv(shop.items).split('\n')[0], 'ITEM_ID,GENRE,CREATION_TIMESTAMP');
});
