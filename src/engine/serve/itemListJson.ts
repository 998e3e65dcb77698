import type { RankedItems } from '../train/recommender.js';
import type { TrainedModel } from '../train/model.js';

/** Each model's item ids as JSON string literals, built once: a response then only concatenates. */
const quotedIdsByModel = new WeakMap<TrainedModel, string[]>();

/**
 * The runtime API's `itemList` (`[{"itemId":…,"score":…}]`) written straight from a ranked list, with
 * no object per item and no JSON.stringify pass; the same text JSON.stringify would give.
 */
export function rankedItemListJson(model: TrainedModel, ranked: RankedItems): string {
  const quoted = quotedItemIds(model);
  let out = '[';
  for (let at = 0; at < ranked.items.length; at++) {
    if (at > 0) out += ',';
    out += `{"itemId":${quoted[ranked.items[at]!]!},"score":${scoreText(ranked.scores[at]!)}}`;
  }
  return `${out}]`;
}

/** The model's item ids as JSON string literals, by item index. */
export function quotedItemIds(model: TrainedModel): readonly string[] {
  let quoted = quotedIdsByModel.get(model);
  if (!quoted) {
    quoted = model.itemIds.map((id) => JSON.stringify(id));
    quotedIdsByModel.set(model, quoted);
  }
  return quoted;
}

/** The service reports scores with a handful of significant digits. */
export function roundScore(score: number): number {
  return Number.isFinite(score) ? Number(score.toPrecision(7)) : 0;
}

/**
 * `JSON.stringify(roundScore(score))` without turning the rounded number back into text, which took
 * most of a fresh answer's serialization: `toPrecision(7)` already gives the digits, and with its
 * trailing zeros gone they are exactly the shortest form of the rounded number (two different
 * decimals of at most 7 significant digits never share a double). Exponent forms, which the two
 * write differently, take the slow way.
 */
export function scoreText(score: number): string {
  if (!Number.isFinite(score)) return '0';
  const digits = score.toPrecision(7);
  if (digits.includes('e')) return String(Number(digits));
  let end = digits.length;
  if (digits.includes('.')) {
    while (digits.charCodeAt(end - 1) === 48 /* 0 */) end--;
    if (digits.charCodeAt(end - 1) === 46 /* . */) end--;
  }
  const text = digits.slice(0, end);
  return text === '-0' ? '0' : text;
}
