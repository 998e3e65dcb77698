import type { TrainingMode } from '../config/trainingModes.js';
import { UserFacingError } from '../shared/errors.js';
import { metricSeries, type MetricSeries } from './metricSeries.js';
import { pipelineAlarm, schedulePeriodMs, type PipelineAlarm } from './pipelineHealth.js';
import type { ExecutionRecord, RetrainingApp, RunDetail, StateVisit } from './types.js';

/** How many runs the overview reads per pipeline to judge its health. */
const HEALTH_WINDOW = 50;
/** How many runs the metric trend and "since when" look back over. */
const TREND_WINDOW = 1000;
const ROUTING_TYPES = new Set(['Choice', 'Pass', 'Succeed', 'Fail']);

/** What a campaign serves now and since when (epoch ms; null when no recorded run put it there). */
export interface CampaignView {
  readonly campaignArn: string;
  readonly solutionVersionArn: string | null;
  readonly since: number | null;
  readonly status: string | null;
  /** A rollout in progress: the version it moves to. */
  readonly updatingTo: string | null;
}

/** One hosted pipeline as the overview shows it. Secrets are not masked here: the web layer masks them. */
export interface PipelineView {
  readonly name: string;
  readonly schedule: string;
  readonly nextRunAt: number | null;
  /** FULL or UPDATE: the training of the next scheduled run. */
  readonly nextRunMode: TrainingMode | null;
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

/** The queries the dashboard's pages make, built on the application layer's own. */
export interface DashboardQueries {
  pipelines(): Promise<readonly PipelineView[]>;
  runs(pipelineName: string, limit: number): Promise<readonly ExecutionRecord[]>;
  run(id: number): Promise<RunDetail | undefined>;
  metricSeries(pipelineName: string, metric: string): Promise<MetricSeries>;
  campaign(pipelineName: string): Promise<CampaignView | null>;
  /** The version a rollback would put back, or why there is none. */
  rollbackTarget(pipelineName: string): Promise<{ readonly target: string } | { readonly reason: string }>;
}

/** The state a running execution is in now: its newest open visit of a state that works or waits. */
export function currentStep(visits: readonly StateVisit[]): string | null {
  const open = visits.filter((visit) => visit.outcome === 'RUNNING' && !ROUTING_TYPES.has(visit.stateType));
  return open.at(-1)?.stateName ?? visits.at(-1)?.stateName ?? null;
}

export function dashboardQueries(app: RetrainingApp, now: () => number = Date.now): DashboardQueries {
  const config = (name: string) => app.pipelines().find((pipeline) => pipeline.name === name)?.config;
  return {
    async pipelines() {
      const status = app.status();
      return app.pipelines().map(({ name, config: pipeline }): PipelineView => {
        const state = status.pipelines.find((entry) => entry.name === name);
        const running = state?.running[0] ?? null;
        const at = now();
        const runs = app.history({ pipelineName: name, limit: HEALTH_WINDOW });
        return {
          name,
          schedule: pipeline.updateRate
            ? `${pipeline.retrainingRate.expression}, UPDATE ${pipeline.updateRate.expression}`
            : pipeline.retrainingRate.expression,
          nextRunAt: state?.nextRunAt ?? null,
          nextRunMode: state?.nextRunMode ?? null,
          gate: {
            metric: pipeline.gate.metric,
            tolerance: pipeline.gate.tolerance,
            minimum: pipeline.gate.minimum ?? null,
          },
          campaignArn: pipeline.campaignArn ?? null,
          notificationUrl: pipeline.notificationUrl ?? null,
          notificationTopicArn: pipeline.notificationTopicArn ?? null,
          latest: state?.latest ?? null,
          running,
          currentStep: running ? currentStep(app.run(running.id)?.visits ?? []) : null,
          alarm: pipelineAlarm(
            runs.filter((run) => run.kind === 'retraining'),
            schedulePeriodMs(pipeline.retrainingRate, new Date(at)),
            at,
          ),
        };
      });
    },
    async runs(name, limit) {
      return app.history({ pipelineName: name, limit });
    },
    async run(id) {
      return app.run(id);
    },
    async metricSeries(name, metric) {
      return metricSeries(app.history({ pipelineName: name, limit: TREND_WINDOW }), metric);
    },
    async campaign(name) {
      const info = config(name)?.campaignArn ? await app.campaign(name) : null;
      if (!info) return null;
      const update = info.latestUpdate;
      const putThere = app
        .history({ pipelineName: name, limit: TREND_WINDOW })
        .find((run) => run.status === 'SUCCEEDED' && run.solutionVersionArn === info.solutionVersionArn);
      return {
        campaignArn: info.campaignArn,
        solutionVersionArn: info.solutionVersionArn,
        since: putThere ? (putThere.endedAt ?? putThere.startedAt) : null,
        status: info.status,
        updatingTo:
          update && update.status !== 'ACTIVE' && update.status !== 'CREATE FAILED'
            ? update.solutionVersionArn
            : null,
      };
    },
    async rollbackTarget(name) {
      if (!config(name)?.campaignArn) return { reason: 'this pipeline has no campaign to roll back' };
      try {
        const plan = await app.planRollback(name);
        return plan.from === plan.to
          ? { reason: `the campaign already serves ${plan.to}` }
          : { target: plan.to };
      } catch (error) {
        if (error instanceof UserFacingError) return { reason: error.message };
        throw error;
      }
    },
  };
}
