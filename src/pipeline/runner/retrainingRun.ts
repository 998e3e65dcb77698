import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { TrainingMode } from '../../config/trainingModes.js';
import type { StateMachineDefinition as BuiltDefinition } from '../definition/asl.js';
import type { ExecutionStore } from '../executions/executionStore.js';
import type { ExecutionFacts, ExecutionRecord, RunKind, StateVisit } from '../executions/types.js';
import { executeOnAws } from './awsExecution.js';
import { FactsCollector } from './executionFacts.js';
import { isValidExecutionName, newExecutionName } from './executionName.js';
import { executeLocally } from './localExecution.js';
import { openDatasourceObjects, type DatasourceRoot } from './datasourceObjects.js';
import type { NotificationReceipt, Notifier } from './notifier.js';
import { judge, type TerminalState } from './outcome.js';
import type { MetricPublication } from './metricData.js';
import { resolveTasks } from './definitionCheck.js';
import type { TaskResource } from './taskResources.js';

/** Run the definition here, calling Personalize at `endpoint` (the embedded engine or any compatible URL). */
export interface EndpointTarget {
  readonly kind: 'endpoint';
  readonly endpoint: string;
  /** @default us-east-1 */
  readonly region?: string;
  /** @default 000000000000: only used to build the local execution ARN. */
  readonly account?: string;
  /** A ready client (tests, benchmarks); the endpoint is then informational. */
  readonly personalize?: PersonalizeClient;
  /**
   * The endpoint is this project's embedded engine, whose work takes seconds rather than minutes:
   * Wait states then start at 20 ms and grow to their PollInterval (see `engineWaitOverrides`). Any
   * other endpoint gets the definition's waits. @default false
   */
  readonly embeddedEngine?: boolean;
  /**
   * Where the datasources are, for the definition's `s3:listObjectsV2` Tasks (SkipUnchangedData).
   * Without it those Tasks fail and the run retrains, saying it could not compare the data.
   */
  readonly datasources?: DatasourceRoot;
}

/** Start the state machine deployed by the CDK stack and follow it until it ends. */
export interface AwsTarget {
  readonly kind: 'aws';
  readonly stateMachineArn: string;
  readonly sfn?: SFNClient;
  /** @default 10000 */
  readonly pollIntervalMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type RunTarget = EndpointTarget | AwsTarget;

export type RunEvent =
  | { readonly type: 'execution-started'; readonly execution: ExecutionRecord }
  | { readonly type: 'state'; readonly visit: StateVisit }
  | { readonly type: 'notification'; readonly receipt: NotificationReceipt }
  /** Local runs: the CloudWatch data points the run would have published on AWS (not sent anywhere). */
  | { readonly type: 'metric-data'; readonly publication: MetricPublication }
  | { readonly type: 'execution-finished'; readonly execution: ExecutionRecord };

export interface RetrainingRunOptions {
  /** The exact JSON the definition builder produced (and the CDK stack deploys). */
  readonly definition: StateMachineDefinition | BuiltDefinition;
  readonly pipelineName: string;
  /** @default retraining */
  readonly kind?: RunKind;
  readonly target: RunTarget;
  readonly store: ExecutionStore;
  /** Where `sns:publish` goes locally. Unused on AWS, where the definition publishes to SNS. */
  readonly notifier: Notifier;
  /** @default the ABORTED execution's name when resuming one, else a fresh name */
  readonly executionName?: string;
  readonly input?: unknown;
  /** Recorded with the run: the training mode its input asks for (retraining runs). */
  readonly trainingMode?: TrainingMode;
  readonly onEvent?: (event: RunEvent) => void;
  /** Aborting stops the run; it is recorded ABORTED and resumes under the same name next time. */
  readonly signal?: AbortSignal;
  /** Local target: every Wait lasts this many ms instead (tests and demos only; real runs honour Waits). */
  readonly waitOverrideMs?: number;
  /** Local target: every retry waits this many ms instead of its backoff (tests). */
  readonly retryOverrideMs?: number;
  /**
   * The skip rule: begin only if no run of the pipeline is RUNNING in the store (any process);
   * otherwise record this one SKIPPED and return it without executing anything. @default false
   */
  readonly skipWhileRunning?: boolean;
  /**
   * Called once the run is recorded RUNNING, before anything executes. Throwing ends the run
   * ABORTED with the error's message as its cause (it resumes under its name next time).
   */
  readonly beforeExecute?: (execution: ExecutionRecord) => void;
  /** Facts the caller knows better than the collector (a rollback's from and to versions). */
  readonly facts?: (collected: ExecutionFacts) => ExecutionFacts;
}

export interface RetrainingRunOutcome {
  readonly execution: ExecutionRecord;
  readonly visits: readonly StateVisit[];
  readonly notifications: readonly NotificationReceipt[];
}

/**
 * One retraining run of a pipeline: picks the execution name (resuming an ABORTED run under its own
 * name so the resources it created are found again), records the run and every state visit in the
 * store, executes on the target, and records the outcome: SUCCEEDED, FAILED, REJECTED or ABORTED.
 */
export async function runPipeline(options: RetrainingRunOptions): Promise<RetrainingRunOutcome> {
  const { store, target } = options;
  // A definition the local runner cannot run is the caller's error, reported before anything is recorded.
  const tasks = target.kind === 'endpoint' ? resolveTasks(interpreterDefinition(options)) : undefined;
  const resumed = options.executionName === undefined ? store.resumable(options.pipelineName) : undefined;
  const executionName = options.executionName ?? resumed?.executionName ?? newExecutionName();
  if (!isValidExecutionName(executionName))
    throw new RangeError(
      `Execution name '${executionName}' is not valid for Step Functions: use 1 to 80 characters without spaces, brackets, wildcards or "#%\\^|~\`$&,;:/.`,
    );
  const localArn =
    target.kind === 'endpoint'
      ? `arn:aws:states:${target.region ?? 'us-east-1'}:${target.account ?? '000000000000'}:execution:${options.pipelineName}:${executionName}`
      : undefined;
  const begin = {
    pipelineName: options.pipelineName,
    executionName,
    ...(options.kind ? { kind: options.kind } : {}),
    target: target.kind === 'aws' ? ('aws' as const) : ('local' as const),
    ...(localArn ? { executionArn: localArn } : {}),
    ...(resumed ? { resumedFrom: resumed.id } : {}),
    ...(options.trainingMode ? { trainingMode: options.trainingMode } : {}),
  };
  const claim = options.skipWhileRunning
    ? store.claim(begin)
    : { kind: 'started' as const, execution: store.begin(begin) };
  if (claim.kind === 'skipped') return { execution: claim.execution, visits: [], notifications: [] };
  const started = claim.execution;
  options.onEvent?.({ type: 'execution-started', execution: started });

  const facts = new FactsCollector();
  const visits = new Map<number, StateVisit>();
  const notifications: NotificationReceipt[] = [];
  const onVisit = (visit: StateVisit) => {
    visits.set(visit.seq, visit);
    store.saveVisit(started.id, visit);
    options.onEvent?.({ type: 'state', visit });
  };

  let end: TerminalState;
  try {
    options.beforeExecute?.(started);
  } catch (error) {
    return finish({ kind: 'aborted', cause: error instanceof Error ? error.message : String(error) });
  }
  try {
    end = await execute(
      options,
      tasks,
      executionName,
      localArn ?? '',
      facts,
      onVisit,
      (receipt) => {
        notifications.push(receipt);
        options.onEvent?.({ type: 'notification', receipt });
      },
      (arn) => store.setExecutionArn(started.id, arn),
    );
  } catch (error) {
    end = {
      kind: 'failed',
      error: 'Runner.Error',
      cause: error instanceof Error ? error.message : String(error),
    };
  }
  return finish(end);

  function finish(terminal: TerminalState): RetrainingRunOutcome {
    const verdict = judge(terminal);
    // A skipped run trained nothing: versions it only looked at are not its facts.
    const collected =
      verdict.status === 'SKIPPED'
        ? { solutionVersionArn: null, metrics: null, previousSolutionVersionArn: null, previousMetrics: null }
        : facts.facts();
    const execution = store.finish(started.id, {
      status: verdict.status,
      facts: options.facts ? options.facts(collected) : collected,
      error: verdict.error,
      cause: verdict.cause,
      output: terminal.kind === 'succeeded' ? terminal.output : null,
    });
    options.onEvent?.({ type: 'execution-finished', execution });
    return { execution, visits: [...visits.values()].sort((a, b) => a.seq - b.seq), notifications };
  }
}

async function execute(
  options: RetrainingRunOptions,
  tasks: ReadonlyMap<string, TaskResource> | undefined,
  executionName: string,
  executionArn: string,
  facts: FactsCollector,
  onVisit: (visit: StateVisit) => void,
  onNotification: (receipt: NotificationReceipt) => void,
  onAwsStarted: (arn: string) => void,
): Promise<TerminalState> {
  const { target } = options;
  if (target.kind === 'aws') {
    const sfn = target.sfn ?? new SFNClient({});
    try {
      return await executeOnAws({
        sfn,
        stateMachineArn: target.stateMachineArn,
        executionName,
        input: options.input ?? {},
        facts,
        onStarted: onAwsStarted,
        onVisit,
        ...(target.pollIntervalMs !== undefined ? { pollIntervalMs: target.pollIntervalMs } : {}),
        ...(target.sleep ? { sleep: target.sleep } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } finally {
      if (!target.sfn) sfn.destroy();
    }
  }
  const personalize =
    target.personalize ??
    new PersonalizeClient({
      endpoint: target.endpoint,
      region: target.region ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      // Retries belong to the definition's Retry fields, as on AWS; the SDK must not add its own.
      maxAttempts: 1,
    });
  const datasources = target.datasources ? await openDatasourceObjects(target.datasources) : undefined;
  try {
    return await executeLocally({
      definition: interpreterDefinition(options),
      ...(tasks ? { tasks } : {}),
      input: options.input ?? {},
      pipelineName: options.pipelineName,
      executionName,
      executionArn,
      personalize,
      notifier: options.notifier,
      facts,
      onVisit,
      onNotification,
      onMetricData: (publication) => options.onEvent?.({ type: 'metric-data', publication }),
      ...(options.waitOverrideMs !== undefined ? { waitOverrideMs: options.waitOverrideMs } : {}),
      ...(target.embeddedEngine ? { embeddedEngine: true } : {}),
      ...(options.retryOverrideMs !== undefined ? { retryOverrideMs: options.retryOverrideMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(datasources ? { datasources } : {}),
    });
  } finally {
    datasources?.close();
    if (!target.personalize) personalize.destroy();
  }
}

/** The builder's typings are stricter than the interpreter's; the JSON is the same. */
function interpreterDefinition(options: RetrainingRunOptions): StateMachineDefinition {
  return options.definition as StateMachineDefinition;
}
