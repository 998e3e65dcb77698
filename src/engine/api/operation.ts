import type { z } from 'zod';
import type { EngineContext } from '../context.js';
import { echo } from '../../shared/echo.js';
import { InvalidInputException } from './errors.js';

/**
 * One wire operation: a zod schema for its input, compiled once, and a handler that receives the
 * parsed, trusted input. Handlers return the response body in the service's field names.
 */
export interface Operation<I = unknown> {
  readonly input: z.ZodType<I>;
  handle(input: I, ctx: EngineContext): unknown;
}

export type OperationTable = Readonly<Record<string, Operation<never>>>;

export function defineOperation<S extends z.ZodType>(
  input: S,
  handle: (input: z.infer<S>, ctx: EngineContext) => unknown,
): Operation<never> {
  return { input, handle } as unknown as Operation<never>;
}

/** A message lists this many violations at most, then counts the rest. */
const MAX_LISTED_ISSUES = 10;

/** Parses a request body the way the service validates it, reporting every violation at once. */
export function parseInput<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues;
  const details = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
    return `Value at '${echo(path)}' failed to satisfy constraint: ${echo(issue.message)}`;
  });
  const more = issues.length > MAX_LISTED_ISSUES ? `; and ${issues.length - MAX_LISTED_ISSUES} more` : '';
  throw new InvalidInputException(
    `${issues.length} validation error${issues.length === 1 ? '' : 's'} detected: ${details.join('; ')}${more}`,
  );
}
