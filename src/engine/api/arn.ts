import { InvalidInputException } from './errors.js';
import { echo } from '../../shared/echo.js';

/** Where the engine pretends to live; ARNs embed both, as the service's do. */
export interface ArnScope {
  readonly region: string;
  readonly account: string;
}

export const DEFAULT_SCOPE: ArnScope = { region: 'us-east-1', account: '000000000000' };

/** Resource kinds as they appear in Personalize ARNs (`arn:aws:personalize:r:a:<kind>/<path>`). */
export type ResourceKind =
  'dataset-group' | 'schema' | 'dataset' | 'dataset-import-job' | 'solution' | 'campaign' | 'recipe';

export function buildArn(scope: ArnScope, kind: ResourceKind, path: string): string {
  return `arn:aws:personalize:${scope.region}:${scope.account}:${kind}/${path}`;
}

export function recipeArn(name: string): string {
  return `arn:aws:personalize:::recipe/${name}`;
}

/** The service's rule for resource names: letters, digits, `-` and `_`, 1 to 63 characters, alphanumeric first. */
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,62}$/;

export function validateName(value: unknown, field = 'name'): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new InvalidInputException(
      `1 validation error detected: Value '${echo(value)}' at '${field}' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*, and have length between 1 and 63`,
    );
  }
  return value;
}

const ARN_PATTERN = /^arn:([a-z\d-]+):personalize:.*:.*:.+$/;

export function validateArn(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > 256 || !ARN_PATTERN.test(value)) {
    throw new InvalidInputException(
      `1 validation error detected: Value '${echo(value)}' at '${field}' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: arn:([a-z\\d-]+):personalize:.*:.*:.+`,
    );
  }
  return value;
}
