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

/**
 * Interleaves exploration items into a ranked list: round(weight × numResults) slots, spread evenly, each
 * taking a candidate drawn at random (seeded by the user, so one user sees a stable list for one model)
 * that the user has not seen and that the ranking does not already hold.
 */
export function mixExploration(
  ranked: Int32Array,
  candidates: Int32Array,
  weight: number,
  numResults: number,
  blocked: (item: number) => boolean,
  userKey: string,
): Int32Array {
  const inRanking = new Set(ranked);
  const pool: number[] = [];
  for (const item of candidates) if (!blocked(item) && !inRanking.has(item)) pool.push(item);
  if (pool.length === 0 || weight <= 0) return ranked.slice(0, numResults);
  const random = seededRandom(hashString(userKey));
  const slots = Math.round(weight * numResults);
  const result = new Int32Array(numResults);
  let length = 0;
  let next = 0;
  for (let position = 0; position < numResults; position++) {
    // Spreads exactly `slots` exploration positions evenly over the list.
    const explore =
      Math.floor(((position + 1) * slots) / numResults) > Math.floor((position * slots) / numResults);
    if ((explore || next >= ranked.length) && pool.length > 0) {
      const at = Math.floor(random() * pool.length);
      result[length++] = pool[at]!;
      pool[at] = pool[pool.length - 1]!;
      pool.pop();
    } else if (next < ranked.length) {
      result[length++] = ranked[next++]!;
    } else break;
  }
  return result.subarray(0, length);
}
