import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
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

/**
 * A list's identity for its tokens: which list (`scope`) and the parameters that choose its items.
 * `maxResults` may change from page to page, as in the service; `nextToken` is the token itself.
 */
function listIdentity(scope: string, request: PageRequest): string {
  const parameters = Object.entries(request as Record<string, unknown>)
    .filter(([key, value]) => key !== 'maxResults' && key !== 'nextToken' && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `${scope}\u0000${JSON.stringify(parameters)}`;
}

export function paginate<T>(all: readonly T[], request: PageRequest, scope = ''): Page<T> {
  const maxResults = request.maxResults ?? 100;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    throw new InvalidInputException(
      `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: ` +
        'Member must have value between 1 and 100',
    );
  }
  const identity = listIdentity(scope, request);
  const offset = request.nextToken === undefined ? 0 : decodeToken(request.nextToken, identity);
  const items = all.slice(offset, offset + maxResults);
  const next = offset + maxResults;
  return next < all.length ? { items, nextToken: encodeToken(next, identity) } : { items };
}

/**
 * Tokens are signed with a key that lives as long as the engine process, and the signature covers
 * the list and its parameters: a hand-made token, one from another list or other filters, or one
 * from before a restart is an InvalidNextTokenException, as docs/ENGINE.md promises.
 */
const TOKEN_KEY = randomBytes(32);

function signature(offset: number, identity: string): Buffer {
  return createHmac('sha256', TOKEN_KEY).update(`${offset}\u0000${identity}`).digest().subarray(0, 16);
}

function encodeToken(offset: number, identity: string): string {
  return `${offset.toString(36)}.${signature(offset, identity).toString('base64url')}`;
}

function decodeToken(token: string, identity: string): number {
  const match = /^([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (match?.[1] && match[2]) {
    const offset = parseInt(match[1], 36);
    const given = Buffer.from(match[2], 'base64url');
    if (given.length === 16 && timingSafeEqual(given, signature(offset, identity))) return offset;
  }
  throw new InvalidNextTokenException(
    'Invalid next token: pass the nextToken of the previous page of this same list, unchanged.',
  );
}

/** A list operation's response: one page of `all`, summarized, under the service's field name. */
export function listPage<T>(
  field: string,
  all: readonly T[],
  request: PageRequest,
  summarize: (item: T) => unknown,
): Record<string, unknown> {
  const page = paginate(all, request, field);
  return { [field]: page.items.map(summarize), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}

/** The input fields every list operation takes, for its zod schema. */
export const PAGE_REQUEST_FIELDS = { maxResults: z.number().optional(), nextToken: z.string().optional() };
