import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as errors from '../../src/engine/api/errors.js';
import { SERVICE_ERROR_TYPES, ServiceError } from '../../src/engine/api/errors.js';

/** Tests run from the repository root (scripts/run-tests.mjs, npm test). */
const ENGINE_DOC = join(process.cwd(), 'docs', 'ENGINE.md');

interface DocumentedError {
  readonly type: string;
  readonly statuses: number[];
}

/** Rows of the table in the `## Errors` section: | `Type` | 400, 404 | when … |. */
function documentedErrors(): DocumentedError[] {
  const text = readFileSync(ENGINE_DOC, 'utf8');
  const section = text.split(/^## /m).find((part) => part.startsWith('Errors'));
  assert.ok(section, `${ENGINE_DOC} has no "## Errors" section`);
  return [...section.matchAll(/^\|\s*`(\w+)`\s*\|([^|]*)\|/gm)].map((match) => ({
    type: match[1] ?? '',
    statuses: [...(match[2] ?? '').matchAll(/\d{3}/g)].map((status) => Number(status[0])),
  }));
}

/** Every concrete ServiceError class the engine exports, with the `__type` and status it sends. */
function errorClasses(): { name: string; type: string; httpStatus: number }[] {
  return Object.entries(errors).flatMap(([name, value]) => {
    if (typeof value !== 'function' || !(value.prototype instanceof ServiceError)) return [];
    const instance = new (value as new (message: string) => ServiceError)('probe');
    return [{ name, type: instance.type, httpStatus: instance.httpStatus }];
  });
}

test('docs/ENGINE.md lists exactly the error types in SERVICE_ERROR_TYPES', () => {
  const documented = documentedErrors().map((error) => error.type);
  assert.deepEqual([...documented].sort(), [...SERVICE_ERROR_TYPES].sort());
  assert.equal(new Set(documented).size, documented.length, 'an error type is listed twice');
});

test('every error class is registered, and the docs give the HTTP status it is sent with', () => {
  const documented = new Map(documentedErrors().map((error) => [error.type, error.statuses]));
  const classes = errorClasses();
  assert.ok(classes.length >= SERVICE_ERROR_TYPES.length);
  for (const { name, type, httpStatus } of classes) {
    assert.ok(
      (SERVICE_ERROR_TYPES as readonly string[]).includes(type),
      `${name} sends __type ${type}, which SERVICE_ERROR_TYPES does not list`,
    );
    assert.ok(
      documented.get(type)?.includes(httpStatus),
      `${name} sends ${type} with HTTP ${httpStatus}, but docs/ENGINE.md does not say so`,
    );
  }
  for (const [type, statuses] of documented) {
    const sent = classes.filter((error) => error.type === type).map((error) => error.httpStatus);
    assert.deepEqual(
      [...new Set(statuses)].sort(),
      [...new Set(sent)].sort(),
      `statuses documented for ${type}`,
    );
  }
});
