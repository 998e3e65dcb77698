import type { PipelineConfig } from '../config/pipelineConfig.js';
import type { TrainingMode } from '../config/trainingModes.js';
import type { ExecutionRecord, SolutionMetrics, StateVisit } from '../pipeline/executions/index.js';
import type { Notification, NotificationReceipt, RunEvent } from '../pipeline/runner/index.js';
import type { OwnerRecord } from './ownerLock.js';

export type { ExecutionRecord, RunKind, SolutionMetrics, StateVisit } from '../pipeline/executions/index.js';
export type { Notification, NotificationReceipt, RunEvent } from '../pipeline/runner/index.js';

/** A pipeline the application hosts: a parameters file read and validated, under its name. */
export interface HostedPipeline {
  /** The pipeline's name (`--stack-name`, or the file's name when `serve` hosts several). */
  readonly name: string;
  readonly config: PipelineConfig;
}

/** The owner of a state dir as other processes see it (its token is never part of it). */
export type OwnerInfo = Omit<OwnerRecord, 'token'>;

/** Whether this process owns the state dir, is a client of the process that does, or found nothing to open. */
export type StateDirRole = 'owner' | 'client' | 'absent';

/** Where a run executes: here against the state dir's Personalize endpoint, or on AWS Step Functions. */
export type RunPlacement =
  | { readonly kind: 'local' }
  | {
      readonly kind: 'aws';
      /** The deployed state machine; its region is the one in the ARN. */
      readonly stateMachineArn: string;
    }
  | {
      readonly kind: 'aws';
      /** A stack `deploy` created: its StateMachineArn output names the state machine. */
      readonly stackName: string;
      /** The stack's region: the SolutionArn's, where `deploy` puts it. */
      readonly region: string;
    };

/** Options every run-starting call shares. */
export interface RunCallOptions {
  /** Follows this run step by step (the app's `subscribe` sees the same events for every run). */
  readonly onEvent?: (event: RunEvent) => void;
  /** Aborting stops the run; it is recorded ABORTED and resumes under its own name next time. */
  readonly signal?: AbortSignal;
}

export interface StartRunRequest extends RunCallOptions {
  readonly pipelineName: string;
  /** @default a fresh name, or the name of the pipeline's ABORTED run, which this one resumes */
  readonly executionName?: string;
  /** @default { kind: 'local' } */
  readonly placement?: RunPlacement;
  /**
   * FULL or UPDATE for this run (`run --training-mode`, the UpdateRate schedule); passed in the
   * execution input. @default the pipeline's TrainingMode
   */
  readonly trainingMode?: TrainingMode;
}

/** A run's end as recorded, with the steps it took and the notifications it sent. */
export interface RunResult {
  readonly execution: ExecutionRecord;
  readonly visits: readonly StateVisit[];
  readonly notifications: readonly NotificationReceipt[];
}

/**
 * What asking for a run led to. `skipped`: a run of the pipeline was in progress (in any process on
 * this state dir), so this one was recorded SKIPPED and not started. `unchanged` (rollback only): the
 * campaign already serves the target, nothing was recorded.
 */
export type RunStart =
  | {
      readonly kind: 'started';
      readonly execution: ExecutionRecord;
      /** Settles when the run has ended and is recorded; never rejects (a failure is a FAILED record). */
      readonly finished: Promise<RunResult>;
    }
  | { readonly kind: 'skipped'; readonly execution: ExecutionRecord }
  | { readonly kind: 'unchanged'; readonly plan: RollbackPlan };

/** Which version a rollback puts back, and why that one. */
export interface RollbackPlan {
  readonly pipelineName: string;
  readonly campaignArn: string;
  /** The version the campaign serves now (null when it serves none, or could not be described). */
  readonly from: string | null;
  readonly to: string;
  /** `requested` (--to) or `previous` (the version served before the latest deploying run). */
  readonly chosenBy: 'requested' | 'previous';
  /** The run whose deployment this rolls back, when `chosenBy` is `previous`. */
  readonly undoesRunId: number | null;
}

export interface RollbackRequest extends RunCallOptions {
  readonly pipelineName: string;
  /** @default the version the campaign served before the latest run that deployed a new one */
  readonly to?: string;
}

/** One pipeline's state right now. */
export interface PipelineStatus {
  readonly name: string;
  /** Whether this app hosts it (has its configuration); others are known from their run history only. */
  readonly hosted: boolean;
  /** Runs in progress in any process on this state dir (the skip rule allows at most one). */
  readonly running: readonly ExecutionRecord[];
  readonly latest: ExecutionRecord | null;
  /** Epoch ms of the next scheduled run, when this app schedules the pipeline (`serve`). */
  readonly nextRunAt: number | null;
  /** The training mode of that next run (FULL or UPDATE); null when none is scheduled. */
  readonly nextRunMode: TrainingMode | null;
}

export interface StatusReport {
  readonly stateDir: string;
  readonly role: StateDirRole;
  /** The process owning the state dir (this one when role is `owner`), if any. */
  readonly owner: OwnerInfo | null;
  /** Hosted pipelines first, in their order, then others seen in the history, by name. */
  readonly pipelines: readonly PipelineStatus[];
}

export interface HistoryQuery {
  readonly pipelineName?: string;
  /** @default 20; a whole number from 1 */
  readonly limit?: number;
  /** Only runs with a smaller id (the next page). */
  readonly beforeId?: number;
}

/** One run with every state it visited, in order. */
export interface RunDetail {
  readonly execution: ExecutionRecord;
  readonly visits: readonly StateVisit[];
}

/** A campaign as Personalize describes it now. */
export interface CampaignInfo {
  readonly campaignArn: string;
  readonly status: string | null;
  /** The version serving right now. */
  readonly solutionVersionArn: string | null;
  /** The latest `UpdateCampaign`, while it rolls out and after. */
  readonly latestUpdate: {
    readonly status: string | null;
    readonly solutionVersionArn: string | null;
    readonly failureReason: string | null;
  } | null;
}

/** One solution version of a pipeline's solution, with its offline metrics when it has any. */
export interface SolutionVersionInfo {
  readonly solutionVersionArn: string;
  readonly status: string | null;
  readonly trainingMode: string | null;
  /** Epoch ms. */
  readonly createdAt: number | null;
  readonly failureReason: string | null;
  /** `GetSolutionMetrics` for ACTIVE versions; null for others or when the service has none. */
  readonly metrics: SolutionMetrics | null;
  readonly servedByCampaign: boolean;
}

/** Everything the app announces, for live views (the dashboard) and logs. */
export type AppEvent =
  | {
      readonly type: 'run';
      readonly pipelineName: string;
      readonly executionId: number;
      readonly event: RunEvent;
    }
  | {
      readonly type: 'notification';
      readonly pipelineName: string;
      readonly executionId: number;
      readonly notification: Notification;
      readonly receipt: NotificationReceipt;
    }
  /** After each scheduled run (and skip), when the pipeline fires next. */
  | {
      readonly type: 'schedule';
      readonly pipelineName: string;
      readonly nextRunAt: number | null;
      readonly nextRunMode: TrainingMode | null;
    };

/**
 * The application layer for one state dir: the only thing CLI commands and the web API call.
 * Every rule lives here once: the skip rule across processes, rollback's target, what status and
 * history show, where notifications go.
 */
export interface RetrainingApp {
  readonly stateDir: string;
  readonly role: StateDirRole;
  /** The owner of the state dir (this process when role is `owner`). */
  readonly owner: OwnerInfo | null;
  /** The secret mutating API calls must carry; only the owner knows it (clients read it from owner.json). */
  readonly apiToken: string | null;
  /** The Personalize endpoint runs call (the embedded engine's URL), once known. */
  readonly personalizeEndpoint: string | null;

  /** Starts (owner) or finds (client) the Personalize endpoint; `engine` and `serve` call it at start. */
  connect(): Promise<string>;
  /** Publishes the owner's API address (`serve`) in its owner record, for local clients. */
  publishApi(apiEndpoint: string): void;
  pipelines(): readonly HostedPipeline[];
  /** Hosts one more pipeline (or replaces the one of that name), e.g. one the demo just configured. */
  addPipeline(pipeline: HostedPipeline): void;
  /** Starts a run now, unless one of the same pipeline is in progress (then it is recorded SKIPPED). */
  startRun(request: StartRunRequest): Promise<RunStart>;
  /** The version a rollback would put back, without changing anything. */
  planRollback(pipelineName: string, to?: string): Promise<RollbackPlan>;
  /** Puts the campaign back on the planned version as a recorded run of kind `rollback`. */
  rollback(request: RollbackRequest): Promise<RunStart>;
  status(): StatusReport;
  history(query?: HistoryQuery): readonly ExecutionRecord[];
  run(id: number): RunDetail | undefined;
  campaign(pipelineName: string): Promise<CampaignInfo | null>;
  solutionVersions(pipelineName: string): Promise<readonly SolutionVersionInfo[]>;
  /** Every event of every run this app starts, and schedule changes; returns the unsubscribe function. */
  subscribe(listener: (event: AppEvent) => void): () => void;
  /** Fires each hosted pipeline on its RetrainingRate until `close` (owner only: `serve`). */
  startSchedule(options?: { readonly runNow?: boolean }): void;
  /** Stops the schedule, aborts runs in flight (recorded ABORTED), waits for clients' runs on this owner's engine, releases the state dir. */
  close(): Promise<void>;
}
