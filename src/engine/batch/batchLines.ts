import type { ExplorationSettings } from '../train/exploration.js';
import { roundScore, type Recommendation, type Recommender } from '../train/recommender.js';

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

function recommendations(
  recommender: Recommender,
  input: Record<string, unknown>,
  scoring: BatchScoring,
): Recommendation[] {
  const kind = inputKind(recommender);
  const unknown = Object.keys(input).filter((key) => !(FIELDS[kind] as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new LineProblem(
      `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; this recipe takes ${expectedLine(recommender)}`,
    );
  }
  if (kind === 'item') return recommender.similarItems(idField(input, 'itemId'), scoring.numResults);
  if (kind === 'ranking') return recommender.rank(idField(input, 'userId'), itemList(input));
  const exploration =
    recommender.model.algorithm === 'user-personalization' ? scoring.exploration : undefined;
  return recommender.recommendForUser(
    idField(input, 'userId'),
    scoring.numResults,
    exploration ? { exploration } : {},
  );
}

/**
 * Scores one line of a batch input file into one output line, as the service writes them:
 * `{"input": …, "output": {"recommendedItems": […], "scores": […]}, "error": null}`. A line the
 * recipe cannot use (bad JSON, a missing or unknown field) gets `output: null` and an `error` that
 * starts with its line number, and the job goes on with the next line.
 */
export function scoreBatchLine(
  recommender: Recommender,
  line: string,
  lineNumber: number,
  scoring: BatchScoring,
): ScoredLine {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return failedLine(line, `Line ${lineNumber}: not valid JSON; expected ${expectedLine(recommender)}`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return failedLine(
      input,
      `Line ${lineNumber}: expected a JSON object such as ${expectedLine(recommender)}`,
    );
  }
  try {
    const items = recommendations(recommender, input as Record<string, unknown>, scoring);
    const output = {
      recommendedItems: items.map((item) => item.itemId),
      scores: items.map((item) => roundScore(item.score)),
    };
    return { text: JSON.stringify({ input, output, error: null }), failed: false };
  } catch (error) {
    if (!(error instanceof LineProblem)) throw error;
    return failedLine(input, `Line ${lineNumber}: ${error.message}`);
  }
}

function failedLine(input: unknown, error: string): ScoredLine {
  return { text: JSON.stringify({ input, output: null, error }), failed: true, error };
}
