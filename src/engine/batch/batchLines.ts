import type { ExplorationSettings } from '../train/exploration.js';
import type { ItemSet } from '../train/itemSet.js';
import { LineFilterProblem, type BatchLineFilter } from './batchFilter.js';
import { quotedItemIds, roundScore, scoreText } from '../serve/itemListJson.js';
import type { RankedItems, Recommendation, Recommender } from '../train/recommender.js';

/** A batch job's settings that shape every line's answer. */
export interface BatchScoring {
  readonly numResults: number;
  readonly exploration: ExplorationSettings | undefined;
}

/** One output line in the service's format, and whether the input line could be used. */
export interface ScoredLine {
  readonly text: string;
  readonly failed: boolean;
  /** Why the line could not be used, with its line number; absent when it was scored. */
  readonly error?: string;
}

/** The fields an input line may carry, by the kind of recipe the version was trained with. */
const FIELDS = {
  user: ['userId'],
  item: ['itemId'],
  ranking: ['userId', 'itemList'],
} as const;

type InputKind = keyof typeof FIELDS;

const MAX_ID_LENGTH = 256;
const MAX_RANKING_ITEMS = 500;

function inputKind(recommender: Recommender): InputKind {
  const algorithm = recommender.model.algorithm;
  if (algorithm === 'similar-items') return 'item';
  if (algorithm === 'personalized-ranking') return 'ranking';
  return 'user';
}

/** What one line of the input file must look like, for error messages. */
export function expectedLine(recommender: Recommender): string {
  const kind = inputKind(recommender);
  if (kind === 'item') return '{"itemId": "…"}';
  if (kind === 'ranking') return '{"userId": "…", "itemList": ["…", …]}';
  return '{"userId": "…"}';
}

class LineProblem extends Error {}

function idField(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (value === undefined) throw new LineProblem(`missing ${field}`);
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw new LineProblem(`${field} must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  }
  return value;
}

function itemList(input: Record<string, unknown>): string[] {
  const value = input['itemList'];
  if (value === undefined) throw new LineProblem('missing itemList');
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > MAX_RANKING_ITEMS ||
    !value.every((item) => typeof item === 'string' && item.length > 0 && item.length <= MAX_ID_LENGTH)
  ) {
    throw new LineProblem(`itemList must be a list of 1 to ${MAX_RANKING_ITEMS} item IDs`);
  }
  return value as string[];
}

/** A line that parsed and has the recipe's fields; `userId` set for the recipes scored in blocks. */
interface UsableLine {
  readonly input: Record<string, unknown>;
  readonly userId?: string;
  /** The items the job's filter lets through for this line; absent without a filter. */
  readonly eligible?: ItemSet;
}

/** Checks one parsed line against the recipe; throws LineProblem with what is wrong. */
function usableLine(recommender: Recommender, input: Record<string, unknown>, filtered: boolean): UsableLine {
  const kind = inputKind(recommender);
  const unknown = Object.keys(input).filter(
    (key) => !(FIELDS[kind] as readonly string[]).includes(key) && !(filtered && key === 'filterValues'),
  );
  if (!filtered && 'filterValues' in input) {
    throw new LineProblem('filterValues needs a job created with a filterArn');
  }
  if (unknown.length > 0) {
    throw new LineProblem(
      `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; this recipe takes ${expectedLine(recommender)}`,
    );
  }
  if (kind === 'item') idField(input, 'itemId');
  if (kind === 'ranking') {
    idField(input, 'userId');
    itemList(input);
  }
  return kind === 'user' ? { input, userId: idField(input, 'userId') } : { input };
}

/** Answers for lines of the item and ranking recipes, one at a time. */
function singleAnswer(
  recommender: Recommender,
  input: Record<string, unknown>,
  scoring: BatchScoring,
  eligible: ItemSet | undefined,
) {
  if (inputKind(recommender) === 'item') {
    return recommender.similarItems(input['itemId'] as string, scoring.numResults, eligible);
  }
  return recommender.rank(input['userId'] as string, rankedInput(recommender, input, eligible));
}

/** A filter removes items from a ranking line's list; items the model does not know stay, as in the runtime API. */
function rankedInput(
  recommender: Recommender,
  input: Record<string, unknown>,
  eligible: ItemSet | undefined,
) {
  const list = input['itemList'] as string[];
  if (!eligible) return list;
  return list.filter((itemId) => {
    const item = recommender.itemIndexOf(itemId);
    return item === undefined || eligible.has(item);
  });
}

/** One line of an input file and its 1-based line number. */
export interface InputLine {
  readonly text: string;
  readonly number: number;
}

/**
 * Scores lines of a batch input file into output lines, as the service writes them:
 * `{"input": …, "output": {"recommendedItems": […], "scores": […]}, "error": null}`. A line the
 * recipe cannot use (bad JSON, a missing or unknown field) gets `output: null` and an `error` that
 * starts with its line number, and the others are scored all the same, with the answers
 * `GetRecommendations` and `GetPersonalizedRanking` give.
 */
export function scoreBatchLines(
  recommender: Recommender,
  lines: readonly InputLine[],
  scoring: BatchScoring,
  filter?: BatchLineFilter,
): ScoredLine[] {
  const results: (ScoredLine | UsableLine)[] = lines.map((line) =>
    withFilter(checkLine(recommender, line, filter !== undefined), line, filter),
  );
  const exploration =
    recommender.model.algorithm === 'user-personalization' ? scoring.exploration : undefined;
  return results.map((entry) => {
    if ('text' in entry) return entry;
    const { eligible } = entry;
    const output =
      entry.userId === undefined
        ? outputJson(singleAnswer(recommender, entry.input, scoring, eligible))
        : rankedOutputJson(
            recommender,
            recommender.rankedForUser(entry.userId, scoring.numResults, {
              ...(exploration ? { exploration } : {}),
              ...(eligible ? { eligible } : {}),
            }),
          );
    return {
      text: `{"input":${JSON.stringify(entry.input)},"output":${output},"error":null}`,
      failed: false,
    };
  });
}

/** A line's `output` from a list of recommendations. */
function outputJson(items: readonly Recommendation[]): string {
  return JSON.stringify({
    recommendedItems: items.map((item) => item.itemId),
    scores: items.map((item) => roundScore(item.score)),
  });
}

/**
 * A user line's `output` written straight from item indices and scores, as `outputJson` would write
 * it: the path almost every line of a user-personalization job takes.
 */
function rankedOutputJson(recommender: Recommender, ranked: RankedItems): string {
  const quoted = quotedItemIds(recommender.model);
  let items = '';
  let scores = '';
  for (let at = 0; at < ranked.items.length; at++) {
    const separator = at > 0 ? ',' : '';
    items += separator + quoted[ranked.items[at]!]!;
    scores += separator + scoreText(ranked.scores[at]!);
  }
  return `{"recommendedItems":[${items}],"scores":[${scores}]}`;
}

/** The job's filter applied to a usable line: the items it may be answered with, or the line's error. */
function withFilter(
  entry: ScoredLine | UsableLine,
  line: InputLine,
  filter: BatchLineFilter | undefined,
): ScoredLine | UsableLine {
  if (!filter || 'text' in entry) return entry;
  try {
    return { ...entry, eligible: filter.eligibleFor(entry.input) };
  } catch (error) {
    if (!(error instanceof LineFilterProblem)) throw error;
    return failedLine(entry.input, `Line ${line.number}: ${error.message}`);
  }
}

function checkLine(recommender: Recommender, line: InputLine, filtered: boolean): ScoredLine | UsableLine {
  let input: unknown;
  try {
    input = JSON.parse(line.text);
  } catch {
    return failedLine(
      line.text,
      `Line ${line.number}: not valid JSON; expected ${expectedLine(recommender)}`,
    );
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return failedLine(
      input,
      `Line ${line.number}: expected a JSON object such as ${expectedLine(recommender)}`,
    );
  }
  try {
    return usableLine(recommender, input as Record<string, unknown>, filtered);
  } catch (error) {
    if (!(error instanceof LineProblem)) throw error;
    return failedLine(input, `Line ${line.number}: ${error.message}`);
  }
}

function failedLine(input: unknown, error: string): ScoredLine {
  return { text: JSON.stringify({ input, output: null, error }), failed: true, error };
}
