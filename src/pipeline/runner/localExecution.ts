import '../../shared/polyfills.js';
import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import {
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import type { StateVisit } from '../executions/types.js';
import { resolveTasks } from './definitionCheck.js';
import { allStates } from './definitionWalk.js';
import { hashFields, withCorrectHashes, type HashedFields } from './hashingPassStates.js';
import { engineWaitOverrides } from './engineWaits.js';
import type { FactsCollector } from './executionFacts.js';
import { readMetricPublication, type MetricPublication } from './metricData.js';
import { notificationFromTaskInput, type NotificationReceipt, type Notifier } from './notifier.js';
import type { TerminalState } from './outcome.js';
import { InvalidTaskParametersError, fromSdkOutput, toSdkInput } from './sdkShapes.js';
import { StatesRuntimeFailure, TaskFailure, serviceTaskFailure } from './taskErrors.js';
import { listObjectsParameters, type DatasourceObjects } from './datasourceObjects.js';
import type { TaskResource } from './taskResources.js';
import { VisitTracker } from './stateVisits.js';
import { applyLocalEvent, type LocalEvent } from './localEvents.js';

type Overrides = NonNullable<RunOptions['overrides']>;
type TaskHandler = NonNullable<Overrides['taskResourceLocalHandlers']>[string];
type JsonValue = Awaited<ReturnType<TaskHandler>>;

export interface LocalExecutionOptions {
  readonly definition: StateMachineDefinition;
  /** The Task states already resolved by `resolveTasks`; resolved here when absent. */
  readonly tasks?: ReadonlyMap<string, TaskResource>;
  readonly input: unknown;
  readonly pipelineName: string;
  readonly executionName: string;
  readonly executionArn: string;
  readonly personalize: PersonalizeClient;
  readonly notifier: Notifier;
  readonly facts: FactsCollector;
  readonly onVisit: (visit: StateVisit) => void;
  readonly onNotification?: (receipt: NotificationReceipt) => void;
  /** The CloudWatch data points the run would publish on AWS; locally they are kept, never sent. */
  readonly onMetricData?: (publication: MetricPublication) => void;
  /** Answers `s3:listObjectsV2` (SkipUnchangedData); without it the Task fails, and the run retrains. */
  readonly datasources?: DatasourceObjects;
  /** Milliseconds every Wait state lasts instead of its own duration (tests, demos). Real runs leave it unset. */
  readonly waitOverrideMs?: number;
  /** Personalize is the embedded engine: Waits start short and grow (`engineWaitOverrides`). */
  readonly embeddedEngine?: boolean;
  /** Milliseconds before every retry instead of the Retry's backoff (tests). */
  readonly retryOverrideMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Runs the exact definition with `aws-local-stepfunctions`, answering each Task from what its
 * resource names: the Personalize action through the official SDK client, `sns:publish` through the
 * notifier. Resolves with how the execution ended; never rejects for a failed execution.
 */
export async function executeLocally(options: LocalExecutionOptions): Promise<TerminalState> {
  const tasks = options.tasks ?? resolveTasks(options.definition);
  const states = allStates(options.definition);
  const { machine, hashed } = machineFor(options.definition);
  const overrides: Overrides = {
    taskResourceLocalHandlers: Object.fromEntries([
      ...[...tasks].map(([name, resource]) => [name, taskHandler(name, resource, options)]),
      ...[...hashed].map(([name, fields]) => [
        name,
        (input: JsonValue) => Promise.resolve(hashFields(name, fields, input) as JsonValue),
      ]),
    ]),
  };
  if (options.waitOverrideMs !== undefined) {
    const waitMs = options.waitOverrideMs;
    overrides.waitTimeOverrides = Object.fromEntries(
      states.filter(({ state }) => state.Type === 'Wait').map(({ name }) => [name, waitMs]),
    );
  } else if (options.embeddedEngine) {
    overrides.waitTimeOverrides = engineWaitOverrides(states);
  }
  if (options.retryOverrideMs !== undefined) {
    const retryMs = options.retryOverrideMs;
    overrides.retryIntervalOverrides = Object.fromEntries(
      states.filter(({ state }) => state.Retry !== undefined).map(({ name }) => [name, retryMs]),
    );
  }

  const startTime = new Date().toISOString();
  const execution = machine.run(options.input as JsonValue, {
    overrides,
    noThrowOnAbort: true,
    context: {
      Execution: { Id: options.executionArn, Name: options.executionName, StartTime: startTime },
      StateMachine: {
        Id: stateMachineArn(options.executionArn, options.pipelineName),
        Name: options.pipelineName,
      },
    },
  });
  const onAbort = () => execution.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const tracker = new VisitTracker();
  const events = followEvents(execution.eventLogs, tracker, options.onVisit);
  try {
    if (options.signal?.aborted) execution.abort();
    const output = await execution.result;
    await events;
    if (options.signal?.aborted) return { kind: 'aborted', cause: abortCause(options.signal) };
    return { kind: 'succeeded', output };
  } catch (error) {
    await events;
    if (error instanceof ExecutionTimeoutError)
      return {
        kind: 'failed',
        error: 'States.Timeout',
        cause: "The execution ran longer than the definition's TimeoutSeconds.",
      };
    if (error instanceof ExecutionError && error.cause instanceof Error)
      return { kind: 'failed', error: error.cause.name, cause: error.cause.message };
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    for (const visit of tracker.endAll(Date.now())) options.onVisit(visit);
  }
}

const machines = new WeakMap<StateMachineDefinition, { machine: StateMachine; hashed: HashedFields }>();

/**
 * The interpreter validates a definition with asl-validator when it is constructed, which costs about
 * 100 ms on this machine: more than everything else a run does. The machine holds no per-run state,
 * so it is built once per definition object and reused by every run of it (the scheduler's case).
 * It runs the definition with its hashing Pass states answered by the runner (`withCorrectHashes`).
 */
function machineFor(definition: StateMachineDefinition): { machine: StateMachine; hashed: HashedFields } {
  let built = machines.get(definition);
  if (!built) {
    const runnable = withCorrectHashes(definition);
    built = { machine: new StateMachine(runnable.definition), hashed: runnable.hashed };
    machines.set(definition, built);
  }
  return built;
}

function abortCause(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error
    ? reason.message
    : typeof reason === 'string'
      ? reason
      : 'The run was stopped.';
}

function stateMachineArn(executionArn: string, pipelineName: string): string {
  const [prefix] = executionArn.split(':execution:');
  return `${prefix}:stateMachine:${pipelineName}`;
}

async function followEvents(
  events: AsyncGenerator<LocalEvent>,
  tracker: VisitTracker,
  onVisit: (visit: StateVisit) => void,
): Promise<void> {
  for await (const event of events) {
    for (const visit of applyLocalEvent(tracker, event)) onVisit(visit);
  }
}

function taskHandler(name: string, resource: TaskResource, options: LocalExecutionOptions): TaskHandler {
  if (resource.kind === 'notification') {
    return async (input) => {
      const receipt = await options.notifier.publish(
        notificationFromTaskInput(input, {
          pipelineName: options.pipelineName,
          executionName: options.executionName,
        }),
      );
      options.onNotification?.(receipt);
      return { MessageId: receipt.messageId };
    };
  }
  if (resource.kind === 'metric-data') {
    return (input) => {
      options.onMetricData?.(readMetricPublication(name, input));
      return Promise.resolve({});
    };
  }
  if (resource.kind === 's3-list-objects') {
    return async (input) => {
      if (!options.datasources)
        throw new TaskFailure(
          'S3.SdkClientException',
          'The local runner was given no data root or S3 endpoint to list datasources in.',
        );
      return (await options.datasources.listObjectsV2(listObjectsParameters(input))) as unknown as JsonValue;
    };
  }
  const operation = resource.operation;
  return async (input) => {
    let sdkInput: unknown;
    try {
      sdkInput = toSdkInput(operation.inputSchema, input ?? {});
    } catch (error) {
      if (error instanceof InvalidTaskParametersError)
        throw new StatesRuntimeFailure(`State '${name}' (${operation.operation}): ${error.message}`);
      throw error;
    }
    let output: unknown;
    try {
      output = await operation.send(options.personalize, sdkInput);
    } catch (error) {
      throw serviceTaskFailure('Personalize', error);
    }
    const result = fromSdkOutput(operation.outputSchema, output);
    options.facts.observe(operation.action, result);
    return result as JsonValue;
  };
}
