import { GetSolutionMetricsCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SFNClient } from '@aws-sdk/client-sfn';
import { deployedStateMachineArn } from '../deploy/stackOutputs.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { buildDefinition, buildRollbackDefinition } from '../pipeline/definition/index.js';
import {
  EXECUTIONS_FILE,
  ROLLBACK_PREFIX,
  openExecutionStore,
  type ExecutionRecord,
  type ExecutionStore,
} from '../pipeline/executions/index.js';
import { isProcessAlive } from '../pipeline/executions/recovery.js';
import {
  createLocalNotifier,
  newExecutionName,
  runPipeline,
  type RetrainingRunOptions,
  type RunTarget,
} from '../pipeline/runner/index.js';
import { RetrainingScheduler, type NextRun, type SchedulerClock } from '../pipeline/scheduler.js';
import { cadences, type TrainingMode } from '../config/trainingModes.js';
import { InvalidInputError, StateDirOwnedError, UnknownPipelineError } from '../shared/errors.js';
import { describeCampaign, listSolutionVersions } from './personalizeQueries.js';
import { planRollback } from './rollbackPlanning.js';
import type { OwnerRecord } from './ownerLock.js';
import { StateDirAccess, type Ownership, type StateDirAccessOptions } from './stateDirAccess.js';
import type {
  AppEvent,
  CampaignInfo,
  HistoryQuery,
  HostedPipeline,
  OwnerInfo,
  RetrainingApp,
  RollbackPlan,
  RollbackRequest,
  RunCallOptions,
  RunDetail,
  RunPlacement,
  RunStart,
  SolutionVersionInfo,
  StartRunRequest,
  StatusReport,
} from './types.js';

export interface OpenAppOptions {
  readonly stateDir: string;
  /** The command opening the state dir, as the owner record names it (`serve`, `run`, ...). */
  readonly command: string;
  /** @see Ownership */
  readonly ownership: Ownership;
  /** Create a missing state dir (commands that write). @default true */
  readonly create?: boolean;
  readonly pipelines?: readonly HostedPipeline[];
  /** Personalize to use instead of the state dir's embedded engine: an endpoint URL, or AWS in a region. */
  readonly personalize?: { readonly endpoint: string } | { readonly region: string };
  /** @default pino at $LOG_LEVEL (warn) on stderr */
  readonly logger?: Logger;
  /** The embedded engine's options when this process owns the state dir (tests: timings, training gate). */
  readonly engine?: StateDirAccessOptions['engine'];
  /** Local runs: Wait and retry durations (tests and demos only). */
  readonly runner?: Pick<RetrainingRunOptions, 'waitOverrideMs' | 'retryOverrideMs'>;
  readonly schedulerClock?: SchedulerClock;
  /** Where `run --target aws --stack-name` reads the stack's outputs (tests stub it). */
  readonly cloudFormation?: CloudFormationClient;
  /** Waiting for an owner's endpoint, and for clients' runs at close. */
  readonly ownerWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told when `close` waits for runs other processes started on this owner's engine. */
  readonly onWaitForClients?: (runs: readonly ExecutionRecord[]) => void;
}

const sleepFor = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Opens the application layer on a state dir: owner, client of the owner, or (queries) nothing to open. */
export async function openRetrainingApp(options: OpenAppOptions): Promise<RetrainingApp> {
  const logger = options.logger ?? pino({ level: process.env['LOG_LEVEL'] ?? 'warn' }, pino.destination(2));
  const endpoint =
    options.personalize && 'endpoint' in options.personalize ? options.personalize.endpoint : undefined;
  const access = new StateDirAccess({
    stateDir: options.stateDir,
    command: options.command,
    ownership: options.ownership,
    create: options.create ?? true,
    logger,
    ...(endpoint ? { endpoint } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    ...(options.ownerWaitMs !== undefined ? { ownerWaitMs: options.ownerWaitMs } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const storeFile = join(access.stateDir, EXECUTIONS_FILE);
  let store: ExecutionStore | undefined;
  try {
    // A query on a state dir that has never run anything leaves it untouched.
    if (access.exists && (options.create !== false || existsSync(storeFile)))
      store = openExecutionStore(storeFile, { recoverOrphans: access.role !== 'client' });
    const app = new LocalRetrainingApp(options, logger, access, store);
    // A long-lived owner starts its engine now, so clients find its endpoint at once.
    if (options.ownership === 'required' && !options.personalize) await access.personalizeEndpoint();
    return app;
  } catch (error) {
    store?.close();
    await access.close();
    throw error;
  }
}

class LocalRetrainingApp implements RetrainingApp {
  private readonly listeners = new Set<(event: AppEvent) => void>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private hosted: readonly HostedPipeline[];
  private scheduler: RetrainingScheduler | undefined;
  private personalizeClient: PersonalizeClient | undefined;
  private closing: Promise<void> | undefined;
  /** Aborted, with the reason, when the owner whose engine this client's runs use goes away. */
  private readonly ownerLost = new AbortController();

  constructor(
    private readonly options: OpenAppOptions,
    private readonly logger: Logger,
    private readonly access: StateDirAccess,
    private readonly store: ExecutionStore | undefined,
  ) {
    this.hosted = options.pipelines ?? [];
  }

  get stateDir(): string {
    return this.access.stateDir;
  }

  get role() {
    return this.access.role;
  }

  get owner(): OwnerInfo | null {
    const record = this.access.owner();
    if (!record) return null;
    return withoutToken(record);
  }

  get apiToken(): string | null {
    return this.access.isOwner ? (this.access.owner()?.token ?? null) : null;
  }

  get personalizeEndpoint(): string | null {
    return this.access.owner()?.personalizeEndpoint ?? null;
  }

  /** Starts (owner) or finds (client) the Personalize endpoint; `engine` and `serve` call it at start. */
  connect(): Promise<string> {
    return this.access.personalizeEndpoint();
  }

  /** Publishes `serve`'s API address in the owner record. */
  publishApi(apiEndpoint: string): void {
    this.access.publishApi(apiEndpoint);
  }

  pipelines(): readonly HostedPipeline[] {
    return this.hosted;
  }

  addPipeline(pipeline: HostedPipeline): void {
    this.hosted = [...this.hosted.filter((known) => known.name !== pipeline.name), pipeline];
  }

  async startRun(request: StartRunRequest): Promise<RunStart> {
    const pipeline = this.pipeline(request.pipelineName);
    const placement = request.placement ?? { kind: 'local' };
    // Decided again atomically when the run begins; checked first so a skip costs no engine start.
    const skipped = this.requireStore().skipIfRunning({
      pipelineName: pipeline.name,
      executionName: request.executionName ?? newExecutionName(),
      target: placement.kind,
      trainingMode: request.trainingMode ?? pipeline.config.trainingMode,
    });
    if (skipped) return this.skipped(skipped);
    // Always in the input, so the run's record, its notification and the execution say which it was.
    const trainingMode = request.trainingMode ?? pipeline.config.trainingMode;
    return this.launch(request, {
      definition: buildDefinition(pipeline.config, { pipelineName: pipeline.name }),
      pipelineName: pipeline.name,
      target: await this.target(placement),
      input: { TrainingMode: trainingMode },
      trainingMode,
      ...(request.executionName ? { executionName: request.executionName } : {}),
      notifierUrl: pipeline.config.notificationUrl,
    });
  }

  async planRollback(pipelineName: string, to?: string): Promise<RollbackPlan> {
    const pipeline = this.pipeline(pipelineName);
    const campaignArn = pipeline.config.campaignArn;
    if (!campaignArn)
      throw new InvalidInputError(
        `${pipeline.config.sourceFile} has no CampaignArn: there is no campaign to roll back.`,
      );
    const campaign = await describeCampaign(await this.personalize(), campaignArn);
    return planRollback({
      pipelineName,
      campaignArn,
      servedNow: campaign.solutionVersionArn,
      history: this.store?.list({ pipelineName, limit: 1000 }) ?? [],
      ...(to ? { to } : {}),
    });
  }

  async rollback(request: RollbackRequest): Promise<RunStart> {
    const pipeline = this.pipeline(request.pipelineName);
    const executionName = `${ROLLBACK_PREFIX}${newExecutionName()}`;
    // A rollback is a run of the pipeline: it never overlaps another (the campaign would flip twice).
    const skipped = this.requireStore().skipIfRunning({
      pipelineName: pipeline.name,
      executionName,
      kind: 'rollback',
      target: 'local',
    });
    if (skipped) return this.skipped(skipped);
    const plan = await this.planRollback(request.pipelineName, request.to);
    if (plan.from === plan.to) return { kind: 'unchanged', plan };
    const [toMetrics, fromMetrics] = await Promise.all([this.metricsOf(plan.to), this.metricsOf(plan.from)]);
    return this.launch(request, {
      definition: buildRollbackDefinition(
        { ...pipeline.config, campaignArn: plan.campaignArn },
        { pipelineName: pipeline.name },
      ),
      pipelineName: pipeline.name,
      target: await this.target({ kind: 'local' }),
      executionName,
      kind: 'rollback',
      input: { Training: { SolutionVersionArn: plan.to } },
      // The definition only updates the campaign: the run's facts are the plan's from and to.
      facts: () => ({
        solutionVersionArn: plan.to,
        metrics: toMetrics,
        previousSolutionVersionArn: plan.from,
        previousMetrics: fromMetrics,
      }),
      notifierUrl: pipeline.config.notificationUrl,
    });
  }

  status(): StatusReport {
    const running = this.store?.running() ?? [];
    const latest = new Map((this.store?.latestPerPipeline() ?? []).map((run) => [run.pipelineName, run]));
    const nextRuns = new Map(this.scheduler?.nextRuns().map((next) => [next.name, next]) ?? []);
    const names = [
      ...this.hosted.map((pipeline) => pipeline.name),
      ...[...latest.keys()].filter((name) => !this.hosted.some((pipeline) => pipeline.name === name)),
    ];
    return {
      stateDir: this.stateDir,
      role: this.role,
      owner: this.owner,
      pipelines: names.map((name) => ({
        name,
        hosted: this.hosted.some((pipeline) => pipeline.name === name),
        running: running.filter((run) => run.pipelineName === name),
        latest: latest.get(name) ?? null,
        nextRunAt: nextRuns.get(name)?.at?.getTime() ?? null,
        nextRunMode: this.nextRunMode(nextRuns.get(name)),
      })),
    };
  }

  history(query: HistoryQuery = {}): readonly ExecutionRecord[] {
    const limit = query.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1)
      throw new InvalidInputError(`the limit must be a whole number from 1, got ${String(query.limit)}.`);
    return (
      this.store?.list({
        limit,
        ...(query.pipelineName !== undefined ? { pipelineName: query.pipelineName } : {}),
        ...(query.beforeId !== undefined ? { beforeId: query.beforeId } : {}),
      }) ?? []
    );
  }

  run(id: number): RunDetail | undefined {
    const execution = this.store?.get(id);
    return execution && this.store ? { execution, visits: this.store.visits(id) } : undefined;
  }

  async campaign(pipelineName: string): Promise<CampaignInfo | null> {
    const campaignArn = this.pipeline(pipelineName).config.campaignArn;
    return campaignArn ? describeCampaign(await this.personalize(), campaignArn) : null;
  }

  async solutionVersions(pipelineName: string): Promise<readonly SolutionVersionInfo[]> {
    const campaign = await this.campaign(pipelineName);
    return listSolutionVersions(
      await this.personalize(),
      this.pipeline(pipelineName).config.solutionArn,
      campaign?.solutionVersionArn ?? null,
    );
  }

  subscribe(listener: (event: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  startSchedule(options: { readonly runNow?: boolean } = {}): void {
    if (this.scheduler) return;
    const scheduled = this.hosted.flatMap((pipeline) =>
      cadences(pipeline.config).map((cadence) => ({
        name: pipeline.name,
        schedule: cadence.schedule,
        trainingMode: cadence.trainingMode,
      })),
    );
    const scheduler = new RetrainingScheduler(
      scheduled,
      {
        run: async (pipeline, signal) => {
          try {
            const start = await this.startRun({
              pipelineName: pipeline.name,
              signal,
              ...(pipeline.trainingMode ? { trainingMode: pipeline.trainingMode } : {}),
            });
            if (start.kind === 'started') await start.finished;
          } finally {
            this.emitNextRun(pipeline.name);
          }
        },
        skipped: (pipeline, reason) => {
          this.skipped(
            this.requireStore().recordSkipped({
              pipelineName: pipeline.name,
              executionName: newExecutionName(),
              target: 'local',
              reason,
              ...(pipeline.trainingMode ? { trainingMode: pipeline.trainingMode } : {}),
            }),
          );
        },
        onError: (pipeline, error) => {
          this.logger.error({ err: error, pipeline: pipeline.name }, 'scheduled run failed to start');
        },
      },
      this.options.schedulerClock,
    );
    this.scheduler = scheduler;
    scheduler.start();
    // Once per pipeline, in the mode of its first schedule (RetrainingRate's).
    if (options.runNow)
      for (const pipeline of scheduled.filter((p, i) => scheduled.findIndex((q) => q.name === p.name) === i))
        scheduler.fire(pipeline);
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    await this.scheduler?.stop();
    await Promise.allSettled([...this.inFlight]);
    // Clients may be running on this owner's engine: let them finish before it goes away. New
    // clients stop choosing this owner as soon as its record is withdrawn.
    this.access.withdraw();
    if (this.access.runsEngine && this.store) await this.waitForClients(this.store);
    this.personalizeClient?.destroy();
    this.store?.close();
    await this.access.close();
  }

  private async waitForClients(store: ExecutionStore): Promise<void> {
    let told = false;
    for (;;) {
      const others = store
        .running()
        .filter(
          (run) =>
            run.target === 'local' &&
            run.ownerPid !== null &&
            run.ownerPid !== process.pid &&
            isProcessAlive(run.ownerPid),
        );
      if (others.length === 0) return;
      if (!told) this.options.onWaitForClients?.(others);
      told = true;
      await (this.options.sleep ?? sleepFor)(200);
    }
  }

  private async launch(
    call: RunCallOptions,
    run: Omit<RetrainingRunOptions, 'store' | 'notifier'> & { readonly notifierUrl: string | undefined },
  ): Promise<RunStart> {
    const store = this.requireStore();
    const { notifierUrl, ...runOptions } = run;
    const local = createLocalNotifier({ logger: this.logger, ...(notifierUrl ? { url: notifierUrl } : {}) });
    let started: ExecutionRecord | undefined;
    const signal = this.runSignal(call.signal);
    const finished = runPipeline({
      ...runOptions,
      ...this.options.runner,
      store,
      skipWhileRunning: true,
      notifier: {
        publish: async (notification) => {
          const receipt = await local.publish(notification);
          if (started)
            this.emit({
              type: 'notification',
              pipelineName: run.pipelineName,
              executionId: started.id,
              notification,
              receipt,
            });
          return receipt;
        },
      },
      beforeExecute: () => this.access.assertOwnerStillThere(),
      onEvent: (event) => {
        if (event.type === 'execution-started') started = event.execution;
        if (started)
          this.emit({ type: 'run', pipelineName: run.pipelineName, executionId: started.id, event });
        call.onEvent?.(event);
      },
      ...(signal ? { signal } : {}),
    });
    // runPipeline records the run synchronously: no start event means the skip rule applied.
    if (!started) return this.skipped((await finished).execution);
    this.inFlight.add(finished);
    void finished.finally(() => this.inFlight.delete(finished)).catch(() => undefined);
    return { kind: 'started', execution: started, finished };
  }

  /**
   * A run stops when its caller aborts it or, for a client, when the owner's engine goes away: its
   * calls would only fail (or poll a dead port) until the poll limits run out.
   */
  private runSignal(callSignal: AbortSignal | undefined): AbortSignal | undefined {
    // Only a client has an owner to lose; a long-lived owner (`serve`) must not gather a listener
    // on a signal that never fires for each run it starts.
    if (!this.access.isClient) return callSignal;
    if (!callSignal) return this.ownerLost.signal;
    const both = new AbortController();
    for (const signal of [callSignal, this.ownerLost.signal]) {
      if (signal.aborted) both.abort(signal.reason);
      else signal.addEventListener('abort', () => both.abort(signal.reason), { once: true });
    }
    return both.signal;
  }

  /**
   * Asked when a call to the owner's engine never reached it (connection refused or reset): if the
   * owner is gone, stops this client's runs and returns the error that says so.
   */
  private ownerGone(): StateDirOwnedError | undefined {
    if (this.ownerLost.signal.aborted) return this.ownerLost.signal.reason as StateDirOwnedError;
    const gone = this.access.ownerGoneReason();
    if (!gone) return undefined;
    const error = new StateDirOwnedError(
      `${gone} while this command used its engine: nothing more was done. Run the command again ` +
        '(a run stopped this way resumes under its own name).',
    );
    this.ownerLost.abort(error);
    return error;
  }

  private skipped(execution: ExecutionRecord): RunStart {
    this.emit({
      type: 'run',
      pipelineName: execution.pipelineName,
      executionId: execution.id,
      event: { type: 'execution-finished', execution },
    });
    return { kind: 'skipped', execution };
  }

  private async target(placement: RunPlacement): Promise<RunTarget> {
    if (placement.kind === 'aws') {
      const stateMachineArn =
        'stateMachineArn' in placement
          ? placement.stateMachineArn
          : await deployedStateMachineArn({
              stackName: placement.stackName,
              region: placement.region,
              ...(this.options.cloudFormation ? { cloudFormation: this.options.cloudFormation } : {}),
            });
      return {
        kind: 'aws',
        stateMachineArn,
        sfn: new SFNClient({ region: regionOfArn(stateMachineArn) }),
      };
    }
    const personalize = await this.personalize();
    const region = this.awsRegion();
    return {
      kind: 'endpoint',
      endpoint: region
        ? `https://personalize.${region}.amazonaws.com`
        : await this.access.personalizeEndpoint(),
      ...(region ? { region } : {}),
      personalize,
      ...(!region && this.access.usesEmbeddedEngine ? { embeddedEngine: true } : {}),
      datasources: region ? { kind: 'aws', region } : this.access.datasourceRoot(),
    };
  }

  private async personalize(): Promise<PersonalizeClient> {
    if (this.personalizeClient) return this.personalizeClient;
    const region = this.awsRegion();
    const client = region
      ? new PersonalizeClient({ region, maxAttempts: 1 })
      : new PersonalizeClient({
          endpoint: await this.access.personalizeEndpoint(),
          region: 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          // Retries belong to the definition's Retry fields, as on AWS; the SDK must not add its own.
          maxAttempts: 1,
        });
    // A call that never reached the owner's engine asks whether the owner is gone.
    if (this.access.isClient)
      client.middlewareStack.add(
        (next) => async (args) => {
          try {
            return await next(args);
          } catch (error) {
            throw (neverReachedService(error) && this.ownerGone()) || error;
          }
        },
        { step: 'initialize', name: 'ownerWatch' },
      );
    this.personalizeClient = client;
    return client;
  }

  private awsRegion(): string | undefined {
    const personalize = this.options.personalize;
    return personalize && 'region' in personalize ? personalize.region : undefined;
  }

  private async metricsOf(solutionVersionArn: string | null) {
    if (!solutionVersionArn) return null;
    const personalize = await this.personalize();
    const answer = await personalize
      .send(new GetSolutionMetricsCommand({ solutionVersionArn }))
      .catch(() => undefined);
    return answer?.metrics && Object.keys(answer.metrics).length > 0 ? answer.metrics : null;
  }

  private pipeline(name: string): HostedPipeline {
    const pipeline = this.hosted.find((candidate) => candidate.name === name);
    if (!pipeline)
      throw new UnknownPipelineError(
        `no pipeline named ${name} is configured here (known: ${this.hosted.map((p) => p.name).join(', ') || 'none'}).`,
      );
    return pipeline;
  }

  private requireStore(): ExecutionStore {
    if (!this.store) throw new InvalidInputError(`${this.stateDir} does not exist.`);
    return this.store;
  }

  private emitNextRun(pipelineName: string): void {
    const next = this.scheduler?.nextRuns().find((entry) => entry.name === pipelineName);
    this.emit({
      type: 'schedule',
      pipelineName,
      nextRunAt: next?.at?.getTime() ?? null,
      nextRunMode: this.nextRunMode(next),
    });
  }

  /** A scheduled fire's mode: its schedule's, else the pipeline's TrainingMode. */
  private nextRunMode(next: NextRun | undefined): TrainingMode | null {
    if (!next?.at) return null;
    return next.trainingMode ?? this.hosted.find((p) => p.name === next.name)?.config.trainingMode ?? null;
  }

  private emit(event: AppEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ err: error }, 'an app event listener failed');
      }
    }
  }
}

function neverReachedService(error: unknown): boolean {
  const metadata = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return metadata?.httpStatusCode === undefined;
}

function withoutToken(record: OwnerRecord): OwnerInfo {
  return {
    pid: record.pid,
    host: record.host,
    command: record.command,
    startedAt: record.startedAt,
    personalizeEndpoint: record.personalizeEndpoint,
    apiEndpoint: record.apiEndpoint,
  };
}

/** Step Functions ARNs carry their region: `arn:aws:states:<region>:<account>:stateMachine:<name>`. */
export function regionOfArn(arn: string): string {
  const region = arn.split(':')[3];
  if (!region)
    throw new InvalidInputError(`'${arn}' is not an ARN with a region (arn:aws:states:REGION:ACCOUNT:...).`);
  return region;
}
