import type { RankedItems, Recommendation } from '../train/recommender.js';
import type { TrainedModel } from '../train/model.js';

/** Each model's item ids as JSON string literals, built once: a response then only concatenates. */
const quotedIdsByModel = new WeakMap<TrainedModel, string[]>();

/**
 * The runtime API's `itemList` (`[{"itemId":…,"score":…}]`) written straight from a ranked list, with
 * no object per item and no JSON.stringify pass; the same text JSON.stringify would give.
 */
export function rankedItemListJson(model: TrainedModel, ranked: RankedItems): string {
  let quoted = quotedIdsByModel.get(model);
  if (!quoted) {
    quoted = model.itemIds.map((id) => JSON.stringify(id));
    quotedIdsByModel.set(model, quoted);
  }
  let out = '[';
  for (let at = 0; at < ranked.items.length; at++) {
    if (at > 0) out += ',';
    out += `{"itemId":${quoted[ranked.items[at]!]!},"score":${roundScore(ranked.scores[at]!)}}`;
  }
  return `${out}]`;
}

/** The same for recommendations already in object form (similar items). */
export function itemListJson(items: readonly Recommendation[]): string {
  let out = '[';
  for (let at = 0; at < items.length; at++) {
    if (at > 0) out += ',';
    out += `{"itemId":${JSON.stringify(items[at]!.itemId)},"score":${roundScore(items[at]!.score)}}`;
  }
  return `${out}]`;
}

/** The service reports scores with a handful of significant digits. */
export function roundScore(score: number): number {
  return Number.isFinite(score) ? Number(score.toPrecision(7)) : 0;
}
