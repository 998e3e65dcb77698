/** Shared helpers of the training benchmarks: MovieLens loading, timing, a power-law generator. */
import { readFileSync } from 'node:fs';
import { seededRandom } from '../src/shared/random.js';
import type { DatasetTable } from '../src/engine/train/datasetTable.js';

export const MOVIELENS_RATINGS = '/work/shared/data/movielens-small/ratings.csv';

/** Reads a MovieLens ratings.csv (userId,movieId,rating,timestamp) as an interactions table. */
export function loadMovieLens(path = MOVIELENS_RATINGS): DatasetTable {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.length > 0);
  const userCodes = new Int32Array(lines.length);
  const itemCodes = new Int32Array(lines.length);
  const stamps = new Float64Array(lines.length);
  const values = new Float64Array(lines.length);
  const users = new Map<string, number>();
  const items = new Map<string, number>();
  const code = (map: Map<string, number>, key: string) => {
    let c = map.get(key);
    if (c === undefined) map.set(key, (c = map.size));
    return c;
  };
  lines.forEach((line, row) => {
    const [user = '', item = '', rating = '', stamp = ''] = line.split(',');
    userCodes[row] = code(users, user);
    itemCodes[row] = code(items, item);
    values[row] = Number(rating);
    stamps[row] = Number(stamp);
  });
  return {
    rowCount: lines.length,
    columns: {
      USER_ID: { kind: 'string', codes: userCodes, dictionary: [...users.keys()] },
      ITEM_ID: { kind: 'string', codes: itemCodes, dictionary: [...items.keys()] },
      TIMESTAMP: { kind: 'number', values: stamps },
      EVENT_VALUE: { kind: 'number', values },
    },
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function seconds(fn: () => void): number {
  const started = performance.now();
  fn();
  return (performance.now() - started) / 1000;
}

/**
 * Synthetic interactions with Zipf-like (power-law) user activity and item popularity, drawn by
 * inverse-CDF sampling on precomputed cumulative weights.
 */
export function powerLawInteractions(
  count: number,
  users: number,
  items: number,
  seed: number,
): DatasetTable {
  const random = seededRandom(seed);
  const cumulative = (n: number, exponent: number) => {
    const out = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) out[i] = sum += 1 / Math.pow(i + 1, exponent);
    for (let i = 0; i < n; i++) out[i]! /= sum;
    return out;
  };
  const draw = (cdf: Float64Array) => {
    const target = random();
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const userCdf = cumulative(users, 0.8);
  const itemCdf = cumulative(items, 0.9);
  const userCodes = new Int32Array(count);
  const itemCodes = new Int32Array(count);
  const stamps = new Float64Array(count);
  for (let row = 0; row < count; row++) {
    userCodes[row] = draw(userCdf);
    itemCodes[row] = draw(itemCdf);
    stamps[row] = 1_600_000_000 + row;
  }
  const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  return {
    rowCount: count,
    columns: {
      USER_ID: { kind: 'string', codes: userCodes, dictionary: ids(users, 'u') },
      ITEM_ID: { kind: 'string', codes: itemCodes, dictionary: ids(items, 'i') },
      TIMESTAMP: { kind: 'number', values: stamps },
    },
  };
}
