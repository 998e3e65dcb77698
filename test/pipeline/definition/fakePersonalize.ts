import '../../../src/shared/polyfills.js';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { StateMachineDefinition, State } from '../../../src/pipeline/definition/asl.js';

type Json = Record<string, unknown>;

/** An error as Step Functions names it for SDK integrations; Retry and Catch match on `name`. */
export class PersonalizeFailure extends Error {
  constructor(exception: string, message = exception) {
    super(message);
    this.name = `Personalize.${exception}`;
  }
}

/** What a resource does when polled: how many Describe calls it stays in progress, how it ends. */
export interface Lifecycle {
  readonly pollsInProgress: number;
  readonly end: 'ACTIVE' | 'CREATE FAILED';
  readonly failureReason?: string;
}

interface Job {
  readonly arn: string;
  readonly name: string;
  readonly input: Json;
  readonly lifecycle: Lifecycle;
  polls: number;
}

const ACTIVE: Lifecycle = { pollsInProgress: 1, end: 'ACTIVE' };

function status(job: Job): string {
  return job.polls <= job.lifecycle.pollsInProgress ? 'CREATE IN_PROGRESS' : job.lifecycle.end;
}

/**
 * A Personalize stand-in behind the definition's SDK-integration Tasks, keeping what the pipeline
 * created so a second execution sees it. It honours the contract of docs/PIPELINE.md: names are
 * unique per dataset / solution (ResourceAlreadyExistsException), ListSolutionVersions lists the
 * newest first, DescribeSolutionVersion returns the version's Name, and a campaign update is only
 * done once LatestCampaignUpdate is ACTIVE while the campaign's own Status says ACTIVE throughout.
 */
export class FakePersonalize {
  readonly importJobs = new Map<string, Job>();
  readonly versions: Job[] = [];
  readonly calls: { action: string; input: Json }[] = [];
  readonly notifications: Json[] = [];
  importLifecycle: (input: Json) => Lifecycle = () => ACTIVE;
  trainingLifecycle: Lifecycle = ACTIVE;
  metrics = new Map<string, Record<string, number>>();
  newMetrics: Record<string, number> = { normalized_discounted_cumulative_gain_at_10: 0.4 };
  servedVersionArn = 'arn:aws:personalize:eu-west-1:123456789012:solution/shop-recs/served01';
  campaignUpdate: { arn: string; polls: number } | undefined;
  campaignPollsInProgress = 1;
  /** Errors to throw, in order, from the next calls of an action. */
  readonly failNext = new Map<string, Error[]>();

  constructor() {
    this.metrics.set(this.servedVersionArn, { normalized_discounted_cumulative_gain_at_10: 0.3 });
  }

  callsOf(action: string): Json[] {
    return this.calls.filter((call) => call.action === action).map((call) => call.input);
  }

  handle(action: string, input: Json): Json {
    this.calls.push({ action, input });
    const failure = this.failNext.get(action)?.shift();
    if (failure) throw failure;
    const handler = this.actions[action];
    if (!handler) throw new Error(`the fake has no ${action}`);
    return handler(input);
  }

  private readonly actions: Record<string, (input: Json) => Json> = {
    createDatasetImportJob: (input) => {
      const name = String(input['JobName']);
      const [prefix] = String(input['DatasetArn']).split(':dataset/');
      const arn = `${prefix}:dataset-import-job/${name}`;
      if (this.importJobs.has(arn)) throw new PersonalizeFailure('ResourceAlreadyExistsException');
      this.importJobs.set(arn, { arn, name, input, lifecycle: this.importLifecycle(input), polls: 0 });
      return { DatasetImportJobArn: arn };
    },
    describeDatasetImportJob: (input) => {
      const job = this.importJobs.get(String(input['DatasetImportJobArn']));
      if (!job) throw new PersonalizeFailure('ResourceNotFoundException');
      job.polls++;
      return {
        DatasetImportJob: {
          DatasetImportJobArn: job.arn,
          JobName: job.name,
          Status: status(job),
          ...(status(job) === 'CREATE FAILED' ? { FailureReason: job.lifecycle.failureReason } : {}),
        },
      };
    },
    createSolutionVersion: (input) => {
      const name = String(input['Name']);
      if (this.versions.some((version) => version.name === name))
        throw new PersonalizeFailure('ResourceAlreadyExistsException');
      const arn = `${String(input['SolutionArn'])}/${name.slice(-8)}v${this.versions.length}`;
      this.versions.unshift({ arn, name, input, lifecycle: this.trainingLifecycle, polls: 0 });
      this.metrics.set(arn, this.newMetrics);
      return { SolutionVersionArn: arn };
    },
    listSolutionVersions: () => ({
      SolutionVersions: this.versions.map((version) => ({
        SolutionVersionArn: version.arn,
        Status: status(version),
      })),
    }),
    describeSolutionVersion: (input) => {
      const version = this.versions.find((v) => v.arn === input['SolutionVersionArn']);
      if (!version) throw new PersonalizeFailure('ResourceNotFoundException');
      version.polls++;
      return {
        SolutionVersion: {
          SolutionVersionArn: version.arn,
          Name: version.name,
          Status: status(version),
          ...(version.lifecycle.failureReason ? { FailureReason: version.lifecycle.failureReason } : {}),
        },
      };
    },
    getSolutionMetrics: (input) => {
      const arn = String(input['SolutionVersionArn']);
      const metrics = this.metrics.get(arn);
      if (!metrics) throw new PersonalizeFailure('ResourceNotFoundException');
      return { SolutionVersionArn: arn, Metrics: metrics };
    },
    describeCampaign: (input) => {
      const update = this.campaignUpdate;
      if (update) update.polls++;
      const done = update !== undefined && update.polls > this.campaignPollsInProgress;
      if (done) this.servedVersionArn = update.arn;
      return {
        Campaign: {
          CampaignArn: input['CampaignArn'],
          Status: 'ACTIVE',
          SolutionVersionArn: this.servedVersionArn,
          ...(update
            ? {
                LatestCampaignUpdate: {
                  SolutionVersionArn: update.arn,
                  Status: done ? 'ACTIVE' : 'UPDATE IN_PROGRESS',
                },
              }
            : {}),
        },
      };
    },
    updateCampaign: (input) => {
      this.campaignUpdate = { arn: String(input['SolutionVersionArn']), polls: 0 };
      return { CampaignArn: input['CampaignArn'] };
    },
    publish: (input) => {
      this.notifications.push(JSON.parse(String(input['Message'])) as Json);
      return { MessageId: String(this.notifications.length) };
    },
  };
}

/** Every state of the definition, the top level's and each Map's, by name. */
export function allStates(definition: StateMachineDefinition): Map<string, State> {
  const states = new Map<string, State>();
  for (const [name, state] of Object.entries(definition.States)) {
    states.set(name, state);
    if (state.Type === 'Map')
      for (const [inner, innerState] of Object.entries(state.ItemProcessor.States))
        states.set(inner, innerState);
  }
  return states;
}

export type RunResult =
  | { readonly kind: 'succeeded'; readonly output: Json }
  | { readonly kind: 'failed'; readonly error: string; readonly cause: string }
  | { readonly kind: 'aborted' };

/**
 * Executes the definition with aws-local-stepfunctions, every Task answered by the fake (by the
 * action at the end of its Resource), every Wait and Retry interval zero. `abortWhen` ends the
 * execution as a crash would, right after the named action returns.
 */
export async function execute(
  definition: StateMachineDefinition,
  service: FakePersonalize,
  executionName: string,
  abortWhen?: string,
  executionInput: Json = {},
): Promise<RunResult> {
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  const waits: Record<string, number> = {};
  const retries: Record<string, number> = {};
  let abort = () => {};
  for (const [name, state] of allStates(definition)) {
    if (state.Type === 'Wait') waits[name] = 0;
    if (state.Type !== 'Task') continue;
    retries[name] = 0;
    const action = state.Resource.split(':').pop() ?? '';
    handlers[name] = (input) => {
      const result = service.handle(action, input as Json);
      // The interpreter stops before the next state, as if the process had died here.
      if (action === abortWhen) abort();
      return Promise.resolve(result);
    };
  }
  const machine = new StateMachine(definition as never);
  const execution = machine.run(executionInput as never, {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      waitTimeOverrides: waits,
      retryIntervalOverrides: retries,
    },
    context: { Execution: { Name: executionName } },
    noThrowOnAbort: true,
  });
  abort = execution.abort;
  try {
    const output = await execution.result;
    return output === null ? { kind: 'aborted' } : { kind: 'succeeded', output: output as Json };
  } catch (error) {
    if (error instanceof ExecutionError && error.cause instanceof Error)
      return { kind: 'failed', error: error.cause.name, cause: error.cause.message };
    throw error;
  }
}
