import {
  optionalNumberColumn,
  optionalStringColumn,
  stringColumn,
  type DatasetTable,
} from './datasetTable.js';

/** Compressed sparse rows: row r's entries are `indices[indptr[r] .. indptr[r+1])` with their `values`. */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** The weight of one event type, as in the service's `eventsConfig.eventParametersList`. */
export interface EventWeighting {
  readonly eventType: string;
  /** @default 1 */
  readonly weight?: number;
  /** Events of this type whose EVENT_VALUE is below it are ignored. */
  readonly eventValueThreshold?: number;
}

export interface InteractionMatrixOptions {
  /** Per-type weights; types not listed weigh 1. */
  readonly eventWeights?: readonly EventWeighting[];
  /** Only events of this type count, as the solution's `eventType` does in the service. */
  readonly eventType?: string;
  /** Events whose EVENT_VALUE is below it are ignored, as `solutionConfig.eventValueThreshold`. */
  readonly eventValueThreshold?: number;
  /** When set, an event this many days older than the newest one weighs half as much. */
  readonly recencyHalfLifeDays?: number;
  /** Rows of the interactions table to use (1) or skip (0); all when absent. */
  readonly includeRows?: Uint8Array;
  /** The Items dataset: its items join the catalogue even without interactions (so exploration can reach them). */
  readonly items?: DatasetTable;
  /** Ids that keep their index (the previous model's, for UPDATE training); new ids are appended. */
  readonly seedUserIds?: readonly string[];
  readonly seedItemIds?: readonly string[];
}

/**
 * The implicit-feedback matrix training works on: one row per user and one column per item, each cell
 * the summed weight of the user's events on the item. Both orientations are kept because alternating
 * least squares sweeps over users and over items.
 */
export interface InteractionMatrix {
  readonly userIds: string[];
  readonly itemIds: string[];
  readonly byUser: CsrMatrix;
  readonly byItem: CsrMatrix;
  /** Summed event weight per item: the popularity signal. */
  readonly itemWeight: Float64Array;
  /** Items' CREATION_TIMESTAMP when the Items dataset has it, else their first event; NaN if neither. */
  readonly itemCreated: Float64Array;
  /** The newest event's timestamp (epoch seconds); NaN without timestamps. */
  readonly latestTimestamp: number;
}

const SECONDS_PER_DAY = 86_400;

class IdIndex {
  readonly ids: string[];
  private readonly byId: Map<string, number>;

  constructor(seed: readonly string[] = []) {
    this.ids = [...seed];
    this.byId = new Map(seed.map((id, index) => [id, index]));
  }

  indexOf(id: string): number {
    let index = this.byId.get(id);
    if (index === undefined) {
      index = this.ids.length;
      this.ids.push(id);
      this.byId.set(id, index);
    }
    return index;
  }

  /** Maps dictionary codes to indices lazily, so unused dictionary entries add no ids. */
  codeMapper(dictionary: readonly string[]): (code: number) => number {
    const byCode = new Int32Array(dictionary.length).fill(-1);
    return (code) => {
      let index = byCode[code] ?? -1;
      if (index < 0) {
        index = this.indexOf(dictionary[code] ?? '');
        byCode[code] = index;
      }
      return index;
    };
  }
}

function eventTypeWeights(table: DatasetTable, options: InteractionMatrixOptions) {
  const column = optionalStringColumn(table, 'EVENT_TYPE');
  if (!column) return undefined;
  const weights = new Float64Array(column.dictionary.length).fill(1);
  const thresholds = new Float64Array(column.dictionary.length).fill(-Infinity);
  column.dictionary.forEach((type, code) => {
    const setting = options.eventWeights?.find((entry) => entry.eventType === type);
    if (options.eventType !== undefined && type !== options.eventType) weights[code] = 0;
    else if (setting?.weight !== undefined) weights[code] = setting.weight;
    if (setting?.eventValueThreshold !== undefined) thresholds[code] = setting.eventValueThreshold;
  });
  return { codes: column.codes, weights, thresholds };
}

/** Builds the user × item matrix, summing repeated (user, item) events into one cell. */
export function buildInteractionMatrix(
  interactions: DatasetTable,
  options: InteractionMatrixOptions = {},
): InteractionMatrix {
  const userColumn = stringColumn(interactions, 'USER_ID', 'interactions');
  const itemColumn = stringColumn(interactions, 'ITEM_ID', 'interactions');
  const timestamps = optionalNumberColumn(interactions, 'TIMESTAMP')?.values;
  const eventValues = optionalNumberColumn(interactions, 'EVENT_VALUE')?.values;
  const types = eventTypeWeights(interactions, options);
  const users = new IdIndex(options.seedUserIds);
  const items = new IdIndex(options.seedItemIds);
  const userOf = users.codeMapper(userColumn.dictionary);
  const itemOf = items.codeMapper(itemColumn.dictionary);

  let latest = -Infinity;
  if (timestamps) for (const t of timestamps) if (t > latest) latest = t;
  const decayPerSecond =
    options.recencyHalfLifeDays && options.recencyHalfLifeDays > 0 && Number.isFinite(latest)
      ? Math.LN2 / (options.recencyHalfLifeDays * SECONDS_PER_DAY)
      : 0;

  const n = interactions.rowCount;
  const rowUser = new Int32Array(n);
  const rowItem = new Int32Array(n);
  const rowWeight = new Float32Array(n);
  let kept = 0;
  for (let row = 0; row < n; row++) {
    if (options.includeRows && options.includeRows[row] === 0) continue;
    const userCode = userColumn.codes[row] ?? -1;
    const itemCode = itemColumn.codes[row] ?? -1;
    if (userCode < 0 || itemCode < 0) continue;
    let weight = 1;
    const value = eventValues ? (eventValues[row] ?? NaN) : NaN;
    if (options.eventValueThreshold !== undefined && !(value >= options.eventValueThreshold)) continue;
    if (types) {
      const typeCode = types.codes[row] ?? -1;
      if (typeCode >= 0) {
        weight = types.weights[typeCode] ?? 1;
        const threshold = types.thresholds[typeCode] ?? -Infinity;
        if (threshold > -Infinity && !(value >= threshold)) continue;
      } else if (options.eventType !== undefined) continue;
    }
    if (decayPerSecond > 0 && timestamps) {
      const age = latest - (timestamps[row] ?? latest);
      if (Number.isFinite(age)) weight *= Math.exp(-decayPerSecond * age);
    }
    if (!(weight > 0)) continue;
    rowUser[kept] = userOf(userCode);
    rowItem[kept] = itemOf(itemCode);
    rowWeight[kept] = weight;
    kept++;
  }

  const itemsTable = options.items;
  const created = new Map<number, number>();
  if (itemsTable) {
    const idColumn = stringColumn(itemsTable, 'ITEM_ID', 'items');
    const creation = optionalNumberColumn(itemsTable, 'CREATION_TIMESTAMP')?.values;
    const itemOfCatalogue = items.codeMapper(idColumn.dictionary);
    for (let row = 0; row < itemsTable.rowCount; row++) {
      const code = idColumn.codes[row] ?? -1;
      if (code < 0) continue;
      const index = itemOfCatalogue(code);
      const t = creation ? (creation[row] ?? NaN) : NaN;
      if (Number.isFinite(t)) created.set(index, t);
    }
  }

  const userCount = users.ids.length;
  const itemCount = items.ids.length;
  const byUser = dedupedRows(rowUser, rowItem, rowWeight, kept, userCount, itemCount);
  const byItem = transpose(byUser);
  const itemWeight = new Float64Array(itemCount);
  for (let e = 0; e < byUser.indices.length; e++) {
    const item = byUser.indices[e] ?? 0;
    itemWeight[item] = (itemWeight[item] ?? 0) + (byUser.values[e] ?? 0);
  }
  const itemCreated = new Float64Array(itemCount).fill(NaN);
  if (timestamps) {
    for (let row = 0; row < n; row++) {
      if (options.includeRows && options.includeRows[row] === 0) continue;
      const itemCode = itemColumn.codes[row] ?? -1;
      if (itemCode < 0 || (userColumn.codes[row] ?? -1) < 0) continue;
      const index = itemOf(itemCode);
      const t = timestamps[row] ?? NaN;
      if (!(itemCreated[index]! <= t)) itemCreated[index] = t;
    }
  }
  for (const [index, t] of created) itemCreated[index] = t;

  return {
    userIds: users.ids,
    itemIds: items.ids,
    byUser,
    byItem,
    itemWeight,
    itemCreated,
    latestTimestamp: Number.isFinite(latest) ? latest : NaN,
  };
}

/** Groups (row, col, weight) triples by row, summing duplicates; entries keep first-seen order. */
function dedupedRows(
  rowOf: Int32Array,
  colOf: Int32Array,
  weightOf: Float32Array,
  count: number,
  rows: number,
  cols: number,
): CsrMatrix {
  const start = new Int32Array(rows + 1);
  for (let e = 0; e < count; e++) start[(rowOf[e] ?? 0) + 1]!++;
  for (let r = 0; r < rows; r++) start[r + 1]! += start[r]!;
  const fill = start.slice(0, rows);
  const cols1 = new Int32Array(count);
  const weights1 = new Float32Array(count);
  for (let e = 0; e < count; e++) {
    const at = fill[rowOf[e]!]!++;
    cols1[at] = colOf[e]!;
    weights1[at] = weightOf[e]!;
  }
  // One pass with a "last row that touched this column" stamp removes duplicates without sorting.
  const stamp = new Int32Array(cols).fill(-1);
  const slot = new Int32Array(cols);
  const indptr = new Int32Array(rows + 1);
  let out = 0;
  for (let r = 0; r < rows; r++) {
    for (let e = start[r]!; e < start[r + 1]!; e++) {
      const c = cols1[e]!;
      if (stamp[c] === r) {
        weights1[slot[c]!]! += weights1[e]!;
      } else {
        stamp[c] = r;
        slot[c] = out;
        cols1[out] = c;
        weights1[out] = weights1[e]!;
        out++;
      }
    }
    indptr[r + 1] = out;
  }
  return { rows, cols, indptr, indices: cols1.slice(0, out), values: weights1.slice(0, out) };
}

/** The same matrix by columns; each row of the result lists its entries in increasing index order. */
export function transpose(matrix: CsrMatrix): CsrMatrix {
  const { rows, cols, indptr, indices, values } = matrix;
  const outPtr = new Int32Array(cols + 1);
  for (let e = 0; e < indices.length; e++) outPtr[indices[e]! + 1]!++;
  for (let c = 0; c < cols; c++) outPtr[c + 1]! += outPtr[c]!;
  const fill = outPtr.slice(0, cols);
  const outIdx = new Int32Array(indices.length);
  const outVal = new Float32Array(indices.length);
  for (let r = 0; r < rows; r++) {
    for (let e = indptr[r]!; e < indptr[r + 1]!; e++) {
      const at = fill[indices[e]!]!++;
      outIdx[at] = r;
      outVal[at] = values[e]!;
    }
  }
  return { rows: cols, cols: rows, indptr: outPtr, indices: outIdx, values: outVal };
}
