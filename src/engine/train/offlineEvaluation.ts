import { seededRandom } from '../../shared/random.js';
import { optionalNumberColumn, stringColumn, type DatasetTable } from './datasetTable.js';
import { summarizeMetrics, type MetricQuery, type SolutionMetrics } from './offlineMetrics.js';
import type { Recommender } from './recommender.js';

/** The service computes metrics only with enough test users; below this many, there are none. */
export const MIN_METRIC_DATA_POINTS = 10;
/** Share of users held out as test users, and share of each test user's newest events held out. */
const TEST_SHARE = 0.1;

/** A test user's newest events, to be compared with what the model recommends for them. */
export interface HeldOutQuery {
  readonly userId: string;
  /** Distinct items of the held-out events. */
  readonly itemIds: string[];
}

export interface HoldoutSplit {
  /** 1 for rows the model may train on: everything except the held-out events. */
  readonly trainRows: Uint8Array;
  readonly queries: HeldOutQuery[];
}

/** How many of a user's n events (n ≥ 2) are held out: the newest 10%, at least 1, rounded half up. */
export function heldOutCount(n: number): number {
  return Math.max(1, Math.round(n / 10));
}

/**
 * Each user's rows ordered oldest first (by TIMESTAMP, then by row order for ties), for users with
 * a user and an item id. Indexed by the USER_ID column's dictionary code.
 */
export function rowsByUser(table: DatasetTable): Int32Array[] {
  const users = stringColumn(table, 'USER_ID', 'interactions');
  const items = stringColumn(table, 'ITEM_ID', 'interactions');
  const time = optionalNumberColumn(table, 'TIMESTAMP')?.values;
  const counts = new Int32Array(users.dictionary.length);
  const valid = (row: number) => (users.codes[row] ?? -1) >= 0 && (items.codes[row] ?? -1) >= 0;
  for (let row = 0; row < table.rowCount; row++) if (valid(row)) counts[users.codes[row]!]!++;
  const lists = Array.from(counts, (count) => new Int32Array(count));
  const fill = new Int32Array(users.dictionary.length);
  for (let row = 0; row < table.rowCount; row++) {
    if (!valid(row)) continue;
    const user = users.codes[row]!;
    lists[user]![fill[user]!++] = row;
  }
  if (time) {
    for (const list of lists) list.sort((a, b) => (time[a] ?? 0) - (time[b] ?? 0) || a - b);
  }
  return lists;
}

/**
 * Holds out the newest 10% of each chosen user's events (users with fewer than 2 events are skipped).
 * `byUser` is `rowsByUser(table)` when the caller has it already.
 */
export function holdOutLatest(
  table: DatasetTable,
  chosenUsers?: ReadonlySet<number>,
  byUser: Int32Array[] = rowsByUser(table),
): HoldoutSplit {
  const users = stringColumn(table, 'USER_ID', 'interactions');
  const items = stringColumn(table, 'ITEM_ID', 'interactions');
  const trainRows = new Uint8Array(table.rowCount).fill(1);
  const queries: HeldOutQuery[] = [];
  byUser.forEach((rows, userCode) => {
    if (rows.length < 2 || (chosenUsers && !chosenUsers.has(userCode))) return;
    const held = rows.subarray(rows.length - heldOutCount(rows.length));
    const itemIds = new Set<string>();
    for (const row of held) {
      trainRows[row] = 0;
      itemIds.add(items.dictionary[items.codes[row]!]!);
    }
    queries.push({ userId: users.dictionary[userCode]!, itemIds: [...itemIds] });
  });
  return { trainRows, queries };
}

export type EvaluationSplit = HoldoutSplit | { readonly insufficient: string };

/**
 * The service's documented protocol: a seeded 10% of users (those with at least 2 events) are test
 * users; every other user's events and each test user's oldest 90% train the model; each test user's
 * newest 10% are scored. The number of test users is raised to MIN_METRIC_DATA_POINTS when 10% is fewer,
 * as long as that leaves at least as many training users; otherwise there is no split.
 */
export function personalizeEvaluationSplit(table: DatasetTable, seed: number): EvaluationSplit {
  const eligible: number[] = [];
  const byUser = rowsByUser(table);
  byUser.forEach((rows, userCode) => {
    if (rows.length >= 2) eligible.push(userCode);
  });
  const testCount = Math.max(MIN_METRIC_DATA_POINTS, Math.round(eligible.length * TEST_SHARE));
  if (eligible.length < 2 * MIN_METRIC_DATA_POINTS) {
    return {
      insufficient: `Offline metrics need at least ${2 * MIN_METRIC_DATA_POINTS} users with 2 or more interactions (${MIN_METRIC_DATA_POINTS} to test); the data has ${eligible.length}.`,
    };
  }
  const random = seededRandom(seed);
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [eligible[i], eligible[j]] = [eligible[j]!, eligible[i]!];
  }
  return holdOutLatest(table, new Set(eligible.slice(0, testCount)), byUser);
}

/** Scores a model trained on `split.trainRows` against the held-out events (top 25 per test user). */
export function evaluateHoldout(recommender: Recommender, split: HoldoutSplit): SolutionMetrics {
  const queries: MetricQuery[] = [];
  for (const query of split.queries) {
    const user = recommender.userIndexOf(query.userId);
    // Held-out items the model never saw cannot be recommended but still count as relevant; distinct
    // negative placeholders keep them in the ideal ranking without ever matching.
    const relevant = new Set(query.itemIds.map((id, i) => recommender.itemIndexOf(id) ?? -1 - i));
    const recommended =
      user === undefined ? recommender.popularIndices(25) : recommender.recommendIndices(user, 25);
    queries.push({ recommended, relevant });
  }
  return summarizeMetrics(queries, recommender.model.itemIds.length);
}
