import type { StateMachineDefinition } from '../pipeline/definition/index.js';

/** What one Task state of the definition calls, as written in its `Resource`. */
export interface DefinitionTask {
  readonly stateName: string;
  readonly resource: string;
  readonly parameters: unknown;
  /** The names of its parameters, as written (`Tags.$` for a path). */
  readonly parameterNames: readonly string[];
}

interface StateLike {
  readonly Type?: string;
  readonly Resource?: unknown;
  readonly Parameters?: Readonly<Record<string, unknown>>;
  readonly ItemProcessor?: { readonly States?: Readonly<Record<string, StateLike>> };
  readonly Iterator?: { readonly States?: Readonly<Record<string, StateLike>> };
  readonly Branches?: readonly { readonly States?: Readonly<Record<string, StateLike>> }[];
}

/**
 * Every Task state of a definition, nested ones (Map item processors, Parallel branches) included.
 * The stack derives its permissions from this list, so a state added to the builder cannot run on
 * AWS with permissions nobody reviewed.
 */
export function definitionTasks(definition: StateMachineDefinition): DefinitionTask[] {
  const tasks: DefinitionTask[] = [];
  const visit = (states: Readonly<Record<string, StateLike>> | undefined): void => {
    for (const [stateName, state] of Object.entries(states ?? {})) {
      if (state.Type === 'Task' && typeof state.Resource === 'string')
        tasks.push({
          stateName,
          resource: state.Resource,
          parameters: state.Parameters,
          parameterNames: Object.keys(state.Parameters ?? {}),
        });
      visit(state.ItemProcessor?.States);
      visit(state.Iterator?.States);
      for (const branch of state.Branches ?? []) visit(branch.States);
    }
  };
  visit(definition.States as Readonly<Record<string, StateLike>>);
  return tasks;
}
