import { seededRandom } from '../../shared/random.js';
import {
  optionalNumberColumn,
  optionalStringColumn,
  stringColumn,
  type DatasetTable,
} from './datasetTable.js';
import type { EventWeighting } from './interactionMatrix.js';
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
  /** For each of `itemIds`, the event types of its held-out events ('' without EVENT_TYPE). */
  readonly eventTypes: string[][];
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
  const types = optionalStringColumn(table, 'EVENT_TYPE');
  const trainRows = new Uint8Array(table.rowCount).fill(1);
  const queries: HeldOutQuery[] = [];
  byUser.forEach((rows, userCode) => {
    if (rows.length < 2 || (chosenUsers && !chosenUsers.has(userCode))) return;
    const held = rows.subarray(rows.length - heldOutCount(rows.length));
    const typesOf = new Map<string, string[]>();
    for (const row of held) {
      trainRows[row] = 0;
      const itemId = items.dictionary[items.codes[row]!]!;
      const typeCode = types?.codes[row] ?? -1;
      const type = typeCode >= 0 ? types!.dictionary[typeCode]! : '';
      const list = typesOf.get(itemId);
      if (list) list.push(type);
      else typesOf.set(itemId, [type]);
    }
    queries.push({
      userId: users.dictionary[userCode]!,
      itemIds: [...typesOf.keys()],
      eventTypes: [...typesOf.values()],
    });
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

/**
 * The reward of a correct prediction per event type, as the service describes its event-weighted NDCG:
 * the type's weight over the mean weight of the listed types (purchase 0.3 and click 0.1 give 1.5 and
 * 0.5). Types not listed weigh 1, as in training; an item held out with several types takes the best.
 */
export function eventRewards(eventWeights: readonly EventWeighting[]): (types: readonly string[]) => number {
  const weights = eventWeights.map((entry) => entry.weight ?? 1);
  const mean = weights.reduce((sum, w) => sum + w, 0) / (weights.length || 1) || 1;
  const weightOf = (type: string) => eventWeights.find((entry) => entry.eventType === type)?.weight ?? 1;
  return (types) => Math.max(...types.map((type) => weightOf(type) / mean));
}

/**
 * Scores a model trained on `split.trainRows` against the held-out events (top 25 per test user);
 * with `eventWeights` (the solution's `eventsConfig`) also the event-weighted NDCG.
 */
export function evaluateHoldout(
  recommender: Recommender,
  split: HoldoutSplit,
  eventWeights?: readonly EventWeighting[],
): SolutionMetrics {
  const queries: MetricQuery[] = [];
  const rewardOf = eventWeights && eventWeights.length > 0 ? eventRewards(eventWeights) : undefined;
  for (const query of split.queries) {
    const user = recommender.userIndexOf(query.userId);
    // Held-out items the model never saw cannot be recommended but still count as relevant; distinct
    // negative placeholders keep them in the ideal ranking without ever matching.
    const indices = query.itemIds.map((id, i) => recommender.itemIndexOf(id) ?? -1 - i);
    const relevant = new Set(indices);
    const recommended =
      user === undefined ? recommender.popularIndices(25) : recommender.recommendIndices(user, 25);
    const rewards = rewardOf && new Map(indices.map((item, i) => [item, rewardOf(query.eventTypes[i]!)]));
    queries.push({ recommended, relevant, ...(rewards ? { rewards } : {}) });
  }
  return summarizeMetrics(queries, recommender.model.itemIds.length);
}
