import type { MetricSeries } from '../app/metricSeries.js';
import type { PipelineAlarm } from '../app/pipelineHealth.js';
import type { ExecutionRecord, StateVisit } from '../pipeline/executions/index.js';

/** What a campaign serves now and since when (epoch ms). */
export interface CampaignView {
  readonly campaignArn: string;
  readonly solutionVersionArn: string | null;
  readonly since: number | null;
  readonly status: string;
  /** A rollout in progress: the version it moves to. */
  readonly updatingTo: string | null;
}

/** One hosted pipeline as the overview shows it. Secrets are not masked here: rendering masks them. */
export interface PipelineView {
  readonly name: string;
  readonly schedule: string;
  readonly nextRunAt: number | null;
  readonly gate: { readonly metric: string; readonly tolerance: number; readonly minimum: number | null };
  readonly campaignArn: string | null;
  readonly notificationUrl: string | null;
  readonly notificationTopicArn: string | null;
  readonly latest: ExecutionRecord | null;
  readonly running: ExecutionRecord | null;
  /** The state the running execution is in now. */
  readonly currentStep: string | null;
  readonly alarm: PipelineAlarm;
}

export interface RunDetail {
  readonly execution: ExecutionRecord;
  readonly steps: readonly StateVisit[];
}

/** What happened to a request to start a run now. */
export type RunRequestResult =
  | { readonly started: true; readonly executionId: number }
  | { readonly started: false; readonly reason: string };

/**
 * The operations the dashboard needs of the application layer: the same queries and actions the
 * CLI uses. Handlers call only this; they never open a store or the engine themselves.
 */
export interface DashboardApp {
  pipelines(): Promise<readonly PipelineView[]>;
  runs(pipelineName: string, limit: number): Promise<readonly ExecutionRecord[]>;
  run(id: number): Promise<RunDetail | undefined>;
  metricSeries(pipelineName: string, metric: string): Promise<MetricSeries>;
  campaign(pipelineName: string): Promise<CampaignView | null>;
  /** The version a rollback would move the campaign to, or why there is none. */
  rollbackTarget(pipelineName: string): Promise<{ target: string } | { reason: string }>;
  startRun(pipelineName: string): Promise<RunRequestResult>;
  rollback(pipelineName: string): Promise<ExecutionRecord>;
}
