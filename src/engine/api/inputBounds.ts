import { InvalidInputException } from './errors.js';
import { echo } from '../../shared/echo.js';

/**
 * Bounds every request body obeys before any operation sees it, so no handler, store or log line
 * meets a 10,000-level `hpoConfig` or a megabyte-long tag. The shape bounds are generous for every
 * documented input (the deepest, `solutionConfig.hpoConfig…values`, nests 7 levels); where the
 * service documents a length for a field, that length applies wherever the field appears.
 */
export const INPUT_BOUNDS = {
  /** Bytes of one request body. */
  bodyBytes: 1024 * 1024,
  /** Levels of objects and arrays inside the body (the body itself is level 0). */
  depth: 16,
  /** Characters of a string without a documented limit. */
  stringChars: 32_768,
  /** Characters of an object key (map keys are hyperparameter, column or context names). */
  keyChars: 256,
  /** Elements of an array; the service's largest is 500 (inputList, numResults). */
  arrayItems: 1000,
  /** Keys of an object. */
  objectKeys: 1000,
} as const;

/** The service's documented lengths of free-form string fields, by field name. */
export const FIELD_CHARS: Readonly<Record<string, number>> = {
  eventType: 256,
  eventValueThreshold: 256,
  tagKey: 128,
  tagValue: 256,
  nextToken: 1500,
  roleArn: 256,
  kmsKeyArn: 2048,
  dataLocation: 256,
  userId: 256,
  itemId: 256,
  schedulingExpression: 256,
};

/** Throws InvalidInputException naming the first place where `body` breaks a bound. */
export function checkInputBounds(body: unknown): void {
  const stack: { value: unknown; path: string; depth: number; field: string }[] = [
    { value: body, path: '', depth: 0, field: '' },
  ];
  while (stack.length > 0) {
    const { value, path, depth, field } = stack.pop()!;
    if (typeof value === 'string') {
      const limit = FIELD_CHARS[field] ?? INPUT_BOUNDS.stringChars;
      if (value.length > limit) refuse(path, `Member must have length less than or equal to ${limit}`);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= INPUT_BOUNDS.depth) {
      refuse(path, `Member must not nest objects or arrays more than ${INPUT_BOUNDS.depth} levels deep`);
    }
    if (Array.isArray(value)) {
      if (value.length > INPUT_BOUNDS.arrayItems) {
        refuse(path, `Member must have at most ${INPUT_BOUNDS.arrayItems} elements`);
      }
      value.forEach((item: unknown, index) =>
        stack.push({ value: item, path: `${path}[${index}]`, depth: depth + 1, field }),
      );
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > INPUT_BOUNDS.objectKeys) {
      refuse(path, `Member must have at most ${INPUT_BOUNDS.objectKeys} keys`);
    }
    for (const key of keys) {
      const keyPath = path === '' ? key : `${path}.${key}`;
      if (key.length > INPUT_BOUNDS.keyChars) {
        refuse(path, `Map keys must have length less than or equal to ${INPUT_BOUNDS.keyChars}`);
      }
      // A JSON key named __proto__ would change the prototype of objects built from the body.
      if (key === '__proto__') refuse(keyPath, 'Member name __proto__ is not allowed');
      stack.push({
        value: (value as Record<string, unknown>)[key],
        path: keyPath,
        depth: depth + 1,
        field: key,
      });
    }
  }
}

function refuse(path: string, constraint: string): never {
  throw new InvalidInputException(
    `1 validation error detected: Value at '${echo(path === '' ? '(body)' : path)}' failed to satisfy constraint: ${constraint}`,
  );
}
