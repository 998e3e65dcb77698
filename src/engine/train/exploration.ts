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

/**
 * Items exploration may show: those young enough (by CREATION_TIMESTAMP or first event, relative to the
 * newest event) plus items with no known age and no events at all, least-interacted first so that items
 * the model cannot score yet get their chance before merely young ones.
 */
export function explorationCandidates(model: TrainedModel, itemAgeCutOffDays: number): Int32Array {
  const cutoff = model.latestTimestamp - itemAgeCutOffDays * SECONDS_PER_DAY;
  const picked: number[] = [];
  for (let item = 0; item < model.itemIds.length; item++) {
    const created = model.itemCreated[item]!;
    const young = Number.isFinite(created) && Number.isFinite(cutoff) ? created >= cutoff : false;
    const neverSeen = model.itemWeight[item] === 0;
    if (young || (neverSeen && !Number.isFinite(created))) picked.push(item);
  }
  picked.sort((a, b) => model.itemWeight[a]! - model.itemWeight[b]! || a - b);
  return Int32Array.from(picked);
}

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Random picks from the candidates before a draw falls back to listing the ones still allowed. */
const TRIES_PER_DRAW = 8;

/** Ranked lists up to this length are searched directly; longer ones through a Set. */
const SCANNED_RANKING = 64;

/**
 * Draws exploration items uniformly, without replacement, from the candidates a user may get. Most
 * candidates usually are allowed, so each draw picks at random and retries on a blocked or repeated
 * one (rejection sampling: still uniform over the allowed ones) instead of copying the allowed
 * candidates first, which cost as much as the scoring when every item is young. After a few misses in
 * a row the allowed candidates that are left are listed once and drawn from exactly.
 */
class ExplorationDraw {
  private readonly picked: number[] = [];
  private readonly rankedSet: Set<number> | undefined;
  private pool: number[] | undefined;

  constructor(
    private readonly candidates: Int32Array,
    private readonly ranked: Int32Array,
    private readonly blocked: (item: number) => boolean,
    private readonly random: () => number,
  ) {
    this.rankedSet = ranked.length > SCANNED_RANKING ? new Set(ranked) : undefined;
  }

  /** The next exploration item, or undefined when no allowed candidate is left. */
  next(): number | undefined {
    if (!this.pool) {
      for (let tries = 0; tries < TRIES_PER_DRAW; tries++) {
        const item = this.candidates[Math.floor(this.random() * this.candidates.length)]!;
        if (this.allowed(item)) {
          this.picked.push(item);
          return item;
        }
      }
      this.pool = [];
      for (const item of this.candidates) if (this.allowed(item)) this.pool.push(item);
    }
    const { pool } = this;
    if (pool.length === 0) return undefined;
    const at = Math.floor(this.random() * pool.length);
    const item = pool[at]!;
    pool[at] = pool[pool.length - 1]!;
    pool.pop();
    return item;
  }

  private allowed(item: number): boolean {
    if (this.blocked(item) || this.picked.includes(item)) return false;
    return this.rankedSet ? !this.rankedSet.has(item) : !this.ranked.includes(item);
  }
}

/**
 * Interleaves exploration items into a ranked list: round(weight × numResults) slots, spread evenly, each
 * taking a candidate drawn at random (seeded by the user, so one user sees a stable list for one model)
 * that the user has not seen and that the ranking does not already hold. When the ranking runs short,
 * exploration items fill the rest.
 */
export function mixExploration(
  ranked: Int32Array,
  candidates: Int32Array,
  weight: number,
  numResults: number,
  blocked: (item: number) => boolean,
  userKey: string,
): Int32Array {
  if (candidates.length === 0 || weight <= 0) return ranked.slice(0, numResults);
  const draw = new ExplorationDraw(candidates, ranked, blocked, seededRandom(hashString(userKey)));
  const slots = Math.round(weight * numResults);
  const result = new Int32Array(numResults);
  let length = 0;
  let next = 0;
  for (let position = 0; position < numResults; position++) {
    // Spreads exactly `slots` exploration positions evenly over the list.
    const explore =
      Math.floor(((position + 1) * slots) / numResults) > Math.floor((position * slots) / numResults);
    const explored = explore || next >= ranked.length ? draw.next() : undefined;
    if (explored !== undefined) result[length++] = explored;
    else if (next < ranked.length) result[length++] = ranked[next++]!;
    else break;
  }
  return result.subarray(0, length);
}
