import { pickWeighted, seededRandom } from '../shared/random.js';

/**
 * A synthetic shop whose data drifts the way real catalogues do: new items arrive every week, and
 * each shopper's taste slides from one genre towards another. A model trained on old weeks
 * therefore goes stale, which is what a retraining pipeline is for.
 */
export interface ShopOptions {
  readonly seed?: number;
  readonly users?: number;
  readonly items?: number;
  readonly weeks?: number;
  /** Mean interactions per user per week. */
  readonly activity?: number;
  /** End of the last simulated week, epoch seconds. */
  readonly endTime?: number;
}

export interface ShopItem {
  readonly id: string;
  readonly genre: string;
  /** Week (0-based) the item appears in the catalogue. */
  readonly week: number;
  readonly createdAt: number;
}

export interface ShopUser {
  readonly id: string;
  readonly segment: string;
}

export interface ShopInteraction {
  readonly userId: string;
  readonly itemId: string;
  readonly timestamp: number;
  readonly eventType: 'view' | 'purchase';
}

export interface SyntheticShop {
  readonly users: ShopUser[];
  readonly items: ShopItem[];
  /** Sorted by timestamp. */
  readonly interactions: ShopInteraction[];
  readonly weekStarts: number[];
}

export const GENRES = ['books', 'garden', 'kitchen', 'music', 'outdoor', 'toys', 'games', 'tools'] as const;
const WEEK = 7 * 24 * 3600;
const SEGMENTS = ['new', 'regular', 'loyal'] as const;

export function generateShop(options: ShopOptions = {}): SyntheticShop {
  const random = seededRandom(options.seed ?? 42);
  const userCount = options.users ?? 600;
  const itemCount = options.items ?? 1200;
  const weeks = options.weeks ?? 8;
  const activity = options.activity ?? 9;
  const endTime = options.endTime ?? Math.floor(Date.UTC(2026, 9, 31) / 1000);
  const weekStarts = Array.from({ length: weeks }, (_, week) => endTime - (weeks - week) * WEEK);

  // A third of the catalogue exists from the start; the rest arrives week by week.
  const items: ShopItem[] = Array.from({ length: itemCount }, (_, index) => {
    const week = index < itemCount / 3 ? 0 : 1 + Math.floor(random() * (weeks - 1));
    const weekStart = weekStarts[week] ?? endTime;
    return {
      id: `item-${String(index + 1).padStart(5, '0')}`,
      genre: GENRES[Math.floor(random() * GENRES.length)] ?? 'books',
      week,
      createdAt: weekStart + Math.floor(random() * WEEK * 0.5),
    };
  });
  // Zipf-like appeal: a few items are far more popular than the long tail.
  const appeal = items.map(() => 1 / Math.pow(1 + random() * 200, 0.9));

  const users: ShopUser[] = Array.from({ length: userCount }, (_, index) => ({
    id: `user-${String(index + 1).padStart(5, '0')}`,
    segment: SEGMENTS[Math.floor(random() * SEGMENTS.length)] ?? 'regular',
  }));

  const interactions: ShopInteraction[] = [];
  for (const user of users) {
    const from = Math.floor(random() * GENRES.length);
    const to = (from + 1 + Math.floor(random() * (GENRES.length - 1))) % GENRES.length;
    const side = Math.floor(random() * GENRES.length);
    const userActivity = activity * (0.3 + 1.4 * random());
    for (let week = 0; week < weeks; week++) {
      const drift = weeks === 1 ? 0 : week / (weeks - 1);
      const taste = new Float64Array(GENRES.length).fill(0.02);
      taste[from] = (taste[from] ?? 0) + 0.8 * (1 - drift);
      taste[to] = (taste[to] ?? 0) + 0.8 * drift;
      taste[side] = (taste[side] ?? 0) + 0.25;
      const tasteTotal = taste.reduce((sum, value) => sum + value, 0);
      const count = Math.round(userActivity * (0.5 + random()));
      const weekStart = weekStarts[week] ?? endTime;
      for (let n = 0; n < count; n++) {
        const genre = GENRES[pickWeighted(taste, tasteTotal, random)];
        const item = pickItem(items, appeal, genre, week, random);
        if (!item) continue;
        const timestamp = Math.max(item.createdAt, weekStart) + Math.floor(random() * (WEEK / 2));
        interactions.push({
          userId: user.id,
          itemId: item.id,
          timestamp: Math.min(timestamp, endTime - 1),
          eventType: random() < 0.15 ? 'purchase' : 'view',
        });
      }
    }
  }
  interactions.sort((a, b) => a.timestamp - b.timestamp);
  return { users, items, interactions, weekStarts };
}

/** New items get a boost in the weeks right after they arrive, as fresh stock does. */
function pickItem(
  items: readonly ShopItem[],
  appeal: readonly number[],
  genre: string | undefined,
  week: number,
  random: () => number,
): ShopItem | undefined {
  const candidates: number[] = [];
  const weights: number[] = [];
  let total = 0;
  items.forEach((item, index) => {
    if (item.genre !== genre || item.week > week) return;
    const freshness = week - item.week <= 1 ? 3 : 1;
    const weight = (appeal[index] ?? 0) * freshness;
    candidates.push(index);
    weights.push(weight);
    total += weight;
  });
  if (candidates.length === 0) return undefined;
  return items[candidates[pickWeighted(weights, total, random)] ?? 0];
}

export function interactionsCsv(interactions: readonly ShopInteraction[]): string {
  const lines = interactions.map((i) => `${i.userId},${i.itemId},${i.timestamp},${i.eventType}`);
  return `USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n${lines.join('\n')}\n`;
}

export function itemsCsv(items: readonly ShopItem[]): string {
  const lines = items.map((item) => `${item.id},${item.genre},${item.createdAt}`);
  return `ITEM_ID,GENRE,CREATION_TIMESTAMP\n${lines.join('\n')}\n`;
}

export function usersCsv(users: readonly ShopUser[]): string {
  const lines = users.map((user) => `${user.id},${user.segment}`);
  return `USER_ID,SEGMENT\n${lines.join('\n')}\n`;
}
