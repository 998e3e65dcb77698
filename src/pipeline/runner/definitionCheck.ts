import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { NormalizedSchema } from '@smithy/core/schema';
import { allStates } from './definitionWalk.js';
import { pascalCase, type ShapeSchema } from './sdkShapes.js';
import { resolveTaskResource, type TaskResource } from './taskResources.js';

/** A definition the local runner cannot execute faithfully; all problems are reported at once. */
export class UnsupportedDefinitionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The definition cannot run locally:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = new.target.name;
  }
}

/**
 * Resolves every Task state to what it calls and checks what can be checked before running: known
 * resources, one resource per state name (the interpreter keys handlers by name), and the literal
 * parameter names against the operation's input shape, as Step Functions does when it accepts a
 * definition. Throws `UnsupportedDefinitionError` listing every problem.
 */
export function resolveTasks(definition: StateMachineDefinition): Map<string, TaskResource> {
  const problems: string[] = [];
  const tasks = new Map<string, TaskResource>();
  const resources = new Map<string, string>();
  for (const { name, state } of allStates(definition)) {
    if (state.Type !== 'Task') continue;
    const resource = state.Resource ?? '';
    const previous = resources.get(name);
    if (previous !== undefined && previous !== resource) {
      problems.push(
        `State '${name}' appears twice with different resources (${previous}, ${resource}); give each Task state its own name.`,
      );
      continue;
    }
    resources.set(name, resource);
    const resolved = resolveTaskResource(resource);
    if (typeof resolved === 'string') {
      problems.push(`State '${name}': ${resolved}`);
      continue;
    }
    if (resolved.kind === 'personalize' && state.Parameters !== undefined)
      checkLiteralParameters(
        resolved.operation.inputSchema,
        state.Parameters,
        `State '${name}' Parameters`,
        problems,
      );
    tasks.set(name, resolved);
  }
  if (problems.length > 0) throw new UnsupportedDefinitionError(problems);
  return tasks;
}

function checkLiteralParameters(
  schema: ShapeSchema,
  template: unknown,
  path: string,
  problems: string[],
): void {
  const ns = NormalizedSchema.of(schema);
  if (typeof template !== 'object' || template === null) return;
  if (ns.isListSchema() && Array.isArray(template)) {
    template.forEach((item, index) =>
      checkLiteralParameters(ns.getValueSchema(), item, `${path}[${index}]`, problems),
    );
    return;
  }
  if (!ns.isStructSchema() || Array.isArray(template)) return;
  const members = new Map<string, ShapeSchema>();
  for (const [name, member] of ns.structIterator()) members.set(pascalCase(name), member);
  for (const [rawKey, value] of Object.entries(template)) {
    const dynamic = rawKey.endsWith('.$');
    const key = dynamic ? rawKey.slice(0, -2) : rawKey;
    const member = members.get(key);
    if (!member) {
      problems.push(
        `${path}: '${key}' is not a member of ${ns.getName() ?? 'the input'}; accepted: ${[...members.keys()].join(', ')}.`,
      );
    } else if (!dynamic) {
      checkLiteralParameters(member, value, `${path}.${key}`, problems);
    }
  }
}
