/** The subset of Amazon States Language (JSONPath) the pipeline definition uses. */
export interface StateMachineDefinition {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
  readonly TimeoutSeconds?: number;
}

export type State = PassState | TaskState | WaitState | ChoiceState | MapState | SucceedState | FailState;

interface Transition {
  readonly Next?: string;
  readonly End?: true;
}

export interface RetryRule {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly MaxAttempts: number;
  readonly BackoffRate: number;
}

export interface CatchRule {
  readonly ErrorEquals: readonly string[];
  readonly ResultPath: string | null;
  readonly Next: string;
}

export interface PassState extends Transition {
  readonly Type: 'Pass';
  readonly Comment?: string;
  readonly Parameters?: Readonly<Record<string, unknown>>;
  readonly Result?: unknown;
  readonly ResultPath?: string | null;
}

export interface TaskState extends Transition {
  readonly Type: 'Task';
  readonly Comment?: string;
  readonly Resource: string;
  readonly Parameters: Readonly<Record<string, unknown>>;
  readonly ResultSelector?: Readonly<Record<string, unknown>>;
  readonly ResultPath: string | null;
  readonly Retry: readonly RetryRule[];
  readonly Catch: readonly CatchRule[];
}

export interface WaitState extends Transition {
  readonly Type: 'Wait';
  readonly Comment?: string;
  readonly Seconds: number;
}

export type ChoiceRule = Readonly<Record<string, unknown>> & { readonly Next?: string };

export interface ChoiceState {
  readonly Type: 'Choice';
  readonly Comment?: string;
  readonly Choices: readonly ChoiceRule[];
  readonly Default: string;
}

export interface MapState extends Transition {
  readonly Type: 'Map';
  readonly Comment?: string;
  readonly ItemsPath: string;
  readonly ItemSelector: Readonly<Record<string, unknown>>;
  readonly MaxConcurrency: number;
  readonly ItemProcessor: {
    readonly ProcessorConfig: { readonly Mode: 'INLINE' };
    readonly StartAt: string;
    readonly States: Readonly<Record<string, State>>;
  };
  readonly ResultPath: string | null;
  readonly Catch: readonly CatchRule[];
}

export interface SucceedState {
  readonly Type: 'Succeed';
  readonly Comment?: string;
}

export interface FailState {
  readonly Type: 'Fail';
  readonly Comment?: string;
  readonly Error?: string;
  readonly Cause?: string;
  readonly ErrorPath?: string;
  readonly CausePath?: string;
}
