import { z } from 'zod';
import { InvalidInputException, InvalidNextTokenException } from './errors.js';

/** The service's list operations accept `maxResults` 1..100 (default 100) and an opaque `nextToken`. */
export interface PageRequest {
  readonly maxResults?: number | undefined;
  readonly nextToken?: string | undefined;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

export function paginate<T>(all: readonly T[], request: PageRequest): Page<T> {
  const maxResults = request.maxResults ?? 100;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    throw new InvalidInputException(
      `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: ` +
        'Member must have value between 1 and 100',
    );
  }
  const offset = request.nextToken === undefined ? 0 : decodeToken(request.nextToken);
  const items = all.slice(offset, offset + maxResults);
  const next = offset + maxResults;
  return next < all.length ? { items, nextToken: encodeToken(next) } : { items };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const offset = (parsed as { o?: unknown }).o;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the service's error
  }
  throw new InvalidNextTokenException('Invalid next token.');
}

/** A list operation's response: one page of `all`, summarized, under the service's field name. */
export function listPage<T>(
  field: string,
  all: readonly T[],
  request: PageRequest,
  summarize: (item: T) => unknown,
): Record<string, unknown> {
  const page = paginate(all, request);
  return { [field]: page.items.map(summarize), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}

/** The input fields every list operation takes, for its zod schema. */
export const PAGE_REQUEST_FIELDS = { maxResults: z.number().optional(), nextToken: z.string().optional() };
