import * as personalizeSdk from '@aws-sdk/client-personalize';
import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import { pascalCase, type ShapeSchema } from './sdkShapes.js';

/** One Personalize API action as a Task resource names it, resolved to the official SDK command. */
export interface PersonalizeOperation {
  /** As in the resource ARN: `createDatasetImportJob`. */
  readonly action: string;
  /** As in the API: `CreateDatasetImportJob`. */
  readonly operation: string;
  readonly inputSchema: ShapeSchema;
  readonly outputSchema: ShapeSchema;
  send(client: PersonalizeClient, input: unknown): Promise<unknown>;
}

type CommandClass = new (input: never) => Parameters<PersonalizeClient['send']>[0];
type OperationSchemaTuple = readonly [unknown, string, string, unknown, ShapeSchema, ShapeSchema];

const sdkExports = personalizeSdk as unknown as Readonly<Record<string, unknown>>;
const cache = new Map<string, PersonalizeOperation | undefined>();

/**
 * Finds `<Action>Command` and its operation schema in `@aws-sdk/client-personalize` by name, so every
 * action the SDK knows works without a hand-kept table. Returns undefined for an unknown action.
 */
export function findPersonalizeOperation(action: string): PersonalizeOperation | undefined {
  if (cache.has(action)) return cache.get(action);
  const operation = pascalCase(action);
  const Command = sdkExports[`${operation}Command`];
  const schema = sdkExports[`${operation}$`];
  const found =
    /^[a-z][A-Za-z0-9]*$/.test(action) && typeof Command === 'function' && Array.isArray(schema)
      ? {
          action,
          operation,
          inputSchema: (schema as unknown as OperationSchemaTuple)[4],
          outputSchema: (schema as unknown as OperationSchemaTuple)[5],
          send: (client: PersonalizeClient, input: unknown) =>
            client.send(new (Command as CommandClass)(input as never)),
        }
      : undefined;
  cache.set(action, found);
  return found;
}
