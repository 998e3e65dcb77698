import { seededRandom } from '../../shared/random.js';
import type { TrainedModel } from './model.js';

/** The service's `campaignConfig.itemExplorationConfig`, parsed. */
export interface ExplorationSettings {
  /** Share of results (0..1) given to new or rarely seen items. The service's default is 0.3. */
  readonly weight: number;
  /** Only items at most this many days older than the newest event are explored. The service's default is 30. */
  readonly itemAgeCutOffDays: number;
}

const SECONDS_PER_DAY = 86_400;

/** Items exploration may show, in drawing order, and where each item stands in that order (-1: not a candidate). */
export interface ExplorationCandidates {
  readonly items: Int32Array;
  readonly positionOf: Int32Array;
}

/**
 * Items exploration may show: those young enough (by CREATION_TIMESTAMP or first event, relative to the
 * newest event) plus items with no known age and no events at all, least-interacted first so that items
 * the model cannot score yet get their chance before merely young ones.
 */
export function explorationCandidates(model: TrainedModel, itemAgeCutOffDays: number): ExplorationCandidates {
  const cutoff = model.latestTimestamp - itemAgeCutOffDays * SECONDS_PER_DAY;
  const picked: number[] = [];
  for (let item = 0; item < model.itemIds.length; item++) {
    const created = model.itemCreated[item]!;
    const young = Number.isFinite(created) && Number.isFinite(cutoff) ? created >= cutoff : false;
    const neverSeen = model.itemWeight[item] === 0;
    if (young || (neverSeen && !Number.isFinite(created))) picked.push(item);
  }
  picked.sort((a, b) => model.itemWeight[a]! - model.itemWeight[b]! || a - b);
  const positionOf = new Int32Array(model.itemIds.length).fill(-1);
  picked.forEach((item, position) => (positionOf[item] = position));
  return { items: Int32Array.from(picked), positionOf };
}

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * The candidates minus the excluded ones, as an array that supports swap-removal, without copying
 * the candidates: a user excludes a few dozen items out of thousands of candidates, and copying them
 * for every answer cost more than scoring it.
 */
class CandidatePool {
  private readonly swapped = new Map<number, number>();
  length: number;

  constructor(
    private readonly items: Int32Array,
    /** Candidate positions left out, ascending. */
    private readonly excluded: readonly number[],
  ) {
    this.length = items.length - excluded.length;
  }

  at(index: number): number {
    const swapped = this.swapped.get(index);
    if (swapped !== undefined) return swapped;
    let position = index;
    for (const skip of this.excluded) {
      if (skip <= position) position++;
      else break;
    }
    return this.items[position]!;
  }

  /** Takes the item at `index` out, moving the last one into its place. */
  take(index: number): number {
    const item = this.at(index);
    this.swapped.set(index, this.at(this.length - 1));
    this.length--;
    return item;
  }
}

/**
 * Interleaves exploration items into a ranked list: round(weight × numResults) slots, spread evenly, each
 * taking a candidate drawn at random (seeded by the user, so one user sees a stable list for one model)
 * that the user has not seen (`seen`) and that the ranking does not already hold.
 */
export function mixExploration(
  ranked: readonly number[],
  candidates: ExplorationCandidates,
  weight: number,
  numResults: number,
  seen: ArrayLike<number>,
  userKey: string,
): number[] {
  const excluded = new Set<number>();
  const exclude = (item: number) => {
    const position = candidates.positionOf[item] ?? -1;
    if (position >= 0) excluded.add(position);
  };
  for (let i = 0; i < seen.length; i++) exclude(seen[i]!);
  ranked.forEach(exclude);
  const pool = new CandidatePool(
    candidates.items,
    [...excluded].sort((a, b) => a - b),
  );
  if (pool.length === 0 || weight <= 0) return ranked.slice(0, numResults);
  const random = seededRandom(hashString(userKey));
  const slots = Math.round(weight * numResults);
  const result: number[] = [];
  let next = 0;
  for (let position = 0; position < numResults; position++) {
    // Spreads exactly `slots` exploration positions evenly over the list.
    const explore =
      Math.floor(((position + 1) * slots) / numResults) > Math.floor((position * slots) / numResults);
    if ((explore || next >= ranked.length) && pool.length > 0) {
      result.push(pool.take(Math.floor(random() * pool.length)));
    } else if (next < ranked.length) {
      result.push(ranked[next++]!);
    } else break;
  }
  return result;
}
