import { createHash } from 'node:crypto';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { StatesRuntimeFailure } from './taskErrors.js';

/**
 * `aws-local-stepfunctions` 3.0.0 computes `States.Hash` wrongly for inputs of 56 bytes or more:
 * its block loop advances by words but reads bytes, so most of a long input never reaches the
 * digest and inputs that share a beginning hash alike. The definition's data fingerprints hash long
 * strings, so the local runner answers those itself: a Pass state whose parameter is
 * `States.Hash(<expression>, '<algorithm>')` runs as a Task that gets `<expression>` evaluated by the
 * interpreter and returns the same object with the correct digest (node:crypto), the 10,000-character
 * limit included. The definition itself is unchanged; only the interpreter's copy is rewritten.
 */
export const HASHING_PASS_RESOURCE = 'arn:aws:states:::aws-sdk:localrunner:hashingPass';

const HASH_CALL = /^States\.Hash\((.+),\s*'(MD5|SHA-1|SHA-256|SHA-384|SHA-512)'\)$/s;
const NODE_ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** For each rewritten state: which result fields to hash, with which algorithm. */
export type HashedFields = ReadonlyMap<string, Readonly<Record<string, string>>>;

type Json = Record<string, unknown>;

export function withCorrectHashes(definition: StateMachineDefinition): {
  readonly definition: StateMachineDefinition;
  readonly hashed: HashedFields;
} {
  const hashed = new Map<string, Record<string, string>>();
  const rewriteMachine = (machine: Json): Json => ({
    ...machine,
    States: Object.fromEntries(
      Object.entries(machine['States'] as Record<string, Json>).map(([name, state]) => [
        name,
        rewriteState(name, state),
      ]),
    ),
  });
  const rewriteState = (name: string, state: Json): Json => {
    const nested: Json = { ...state };
    if (state['ItemProcessor']) nested['ItemProcessor'] = rewriteMachine(state['ItemProcessor'] as Json);
    if (state['Iterator']) nested['Iterator'] = rewriteMachine(state['Iterator'] as Json);
    if (Array.isArray(state['Branches']))
      nested['Branches'] = (state['Branches'] as Json[]).map(rewriteMachine);
    const parameters = state['Parameters'] as Json | undefined;
    if (state['Type'] !== 'Pass' || !parameters) return nested;
    const fields: Record<string, string> = {};
    const evaluated: Json = {};
    for (const [key, value] of Object.entries(parameters)) {
      const call = key.endsWith('.$') && typeof value === 'string' ? HASH_CALL.exec(value) : null;
      if (call) fields[key.slice(0, -2)] = call[2] ?? 'MD5';
      evaluated[key] = call ? call[1] : value;
    }
    if (Object.keys(fields).length === 0) return nested;
    hashed.set(name, fields);
    const task: Json = { ...nested, Type: 'Task', Resource: HASHING_PASS_RESOURCE, Parameters: evaluated };
    delete task['Result'];
    return task;
  };
  return {
    definition: rewriteMachine(definition as unknown as Json) as unknown as StateMachineDefinition,
    hashed,
  };
}

/** The Task handler of a rewritten Pass state: its evaluated parameters, with the fields hashed. */
export function hashFields(
  stateName: string,
  fields: Readonly<Record<string, string>>,
  input: unknown,
): Json {
  const output: Json = { ...(input as Json) };
  for (const [field, algorithm] of Object.entries(fields)) {
    const text = output[field];
    if (typeof text !== 'string')
      throw new StatesRuntimeFailure(
        `State '${stateName}': States.Hash takes a string, got ${JSON.stringify(text)}.`,
      );
    if (text.length > 10_000)
      throw new StatesRuntimeFailure(
        `State '${stateName}': States.Hash cannot hash a string with more than 10,000 characters.`,
      );
    output[field] = createHash(NODE_ALGORITHMS[algorithm] ?? 'md5')
      .update(text)
      .digest('hex');
  }
  return output;
}
