import { seededRandom } from '../../../src/shared/random.js';
import { tableFromRows, type DatasetTable } from '../../../src/engine/train/datasetTable.js';

export interface ClusteredOptions {
  readonly users: number;
  readonly items: number;
  readonly clusters: number;
  readonly eventsPerUser: number;
  /** Share of a user's events on items of their own cluster. */
  readonly loyalty: number;
  readonly seed: number;
  readonly userPrefix?: string;
  readonly itemOffset?: number;
  readonly startTime?: number;
}

export interface InteractionRow {
  USER_ID: string;
  ITEM_ID: string;
  TIMESTAMP: number;
  EVENT_TYPE?: string;
  EVENT_VALUE?: number;
}

/** Cluster of user `u` or item `i`: index modulo the number of clusters. */
export const clusterOf = (index: number, clusters: number): number => index % clusters;

/**
 * Users and items in clusters: each user mostly picks items of their own cluster, uniformly, so
 * item popularity carries almost no signal while co-preference carries a lot.
 */
export function clusteredRows(options: ClusteredOptions): InteractionRow[] {
  const random = seededRandom(options.seed);
  const rows: InteractionRow[] = [];
  const { users, items, clusters } = options;
  const offset = options.itemOffset ?? 0;
  let time = options.startTime ?? 1_700_000_000;
  for (let event = 0; event < options.eventsPerUser; event++) {
    for (let u = 0; u < users; u++) {
      const own = random() < options.loyalty;
      const cluster = own ? clusterOf(u, clusters) : Math.floor(random() * clusters);
      const perCluster = Math.floor(items / clusters);
      const item = cluster + clusters * Math.floor(random() * perCluster);
      rows.push({
        USER_ID: `${options.userPrefix ?? 'u'}${u}`,
        ITEM_ID: `i${item + offset}`,
        TIMESTAMP: time++,
      });
    }
  }
  return rows;
}

export function interactionsTable(rows: readonly InteractionRow[]): DatasetTable {
  return tableFromRows(rows as unknown as Record<string, string | number | undefined>[], {
    USER_ID: 'string',
    ITEM_ID: 'string',
    TIMESTAMP: 'number',
    EVENT_TYPE: 'string',
    EVENT_VALUE: 'number',
  });
}

export function clusteredTable(options: ClusteredOptions): DatasetTable {
  return interactionsTable(clusteredRows(options));
}
