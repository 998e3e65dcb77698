import type { StateMachineDefinition } from 'aws-local-stepfunctions';

/** The JSON shape of one state, as far as the runner needs to look into it. */
export interface StateNode {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: unknown;
  readonly Retry?: unknown;
  /** A Wait state's fixed duration. */
  readonly Seconds?: number;
  readonly Branches?: readonly SubMachine[];
  readonly Iterator?: SubMachine;
  readonly ItemProcessor?: SubMachine;
}

interface SubMachine {
  readonly States: Readonly<Record<string, StateNode>>;
}

export interface NamedState {
  readonly name: string;
  readonly state: StateNode;
}

/**
 * Every state of the definition, nested Map and Parallel machines included. The interpreter looks
 * Task and Wait overrides up by state name alone, whatever machine the state is in.
 */
export function allStates(definition: StateMachineDefinition): NamedState[] {
  const found: NamedState[] = [];
  const visit = (machine: SubMachine): void => {
    for (const [name, state] of Object.entries(machine.States)) {
      found.push({ name, state });
      for (const branch of state.Branches ?? []) visit(branch);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) visit(processor);
    }
  };
  visit(definition as unknown as SubMachine);
  return found;
}
