import { DescribeCampaignCommand, type PersonalizeClient } from '@aws-sdk/client-personalize';
import type { PipelineConfig } from '../config/pipelineConfig.js';
import type { ExecutionRecord, ExecutionStore, StateVisit } from '../pipeline/executions/index.js';
import type { CampaignView, DashboardApp, PipelineView, RunRequestResult } from '../web/dashboardApp.js';
import { metricSeries } from './metricSeries.js';
import { pipelineAlarm, schedulePeriodMs } from './pipelineHealth.js';
import { runKind } from './runKind.js';

/** How many runs the overview reads per pipeline to find the latest success. */
const HEALTH_WINDOW = 50;
const ROUTING_TYPES = new Set(['Choice', 'Pass', 'Succeed', 'Fail']);

export interface HostedPipeline {
  readonly name: string;
  readonly config: PipelineConfig;
}

export interface DashboardServiceOptions {
  readonly pipelines: readonly HostedPipeline[];
  readonly store: ExecutionStore;
  /** A client of the Personalize endpoint the pipelines run against, for what campaigns serve. */
  readonly personalize: PersonalizeClient;
  nextRunAt(name: string): Date | undefined;
  startRun(name: string): Promise<RunRequestResult>;
  rollback(name: string): Promise<ExecutionRecord>;
  rollbackTarget(name: string): { target: string } | { reason: string };
  readonly now?: () => number;
}

/** The state a running execution is in now: its newest open visit of a state that does work or waits. */
export function currentStep(visits: readonly StateVisit[]): string | null {
  const open = visits.filter((visit) => visit.outcome === 'RUNNING' && !ROUTING_TYPES.has(visit.stateType));
  return open.at(-1)?.stateName ?? visits.at(-1)?.stateName ?? null;
}

/**
 * The dashboard's queries over the pipelines one `serve` hosts: run history from the execution
 * store, what campaigns serve from Personalize, schedules from the scheduler; actions are passed in
 * by the host so the dashboard starts runs and rollbacks exactly as the CLI does.
 */
export function dashboardService(options: DashboardServiceOptions): DashboardApp {
  const now = options.now ?? Date.now;
  const { store } = options;
  const hosted = (name: string) => options.pipelines.find((p) => p.name === name);

  const view = ({ name, config }: HostedPipeline): PipelineView => {
    const runs = store.list({ pipelineName: name, limit: HEALTH_WINDOW });
    const running = store.running(name)[0] ?? null;
    const at = now();
    return {
      name,
      schedule: config.retrainingRate.expression,
      nextRunAt: options.nextRunAt(name)?.getTime() ?? null,
      gate: {
        metric: config.gate.metric,
        tolerance: config.gate.tolerance,
        minimum: config.gate.minimum ?? null,
      },
      campaignArn: config.campaignArn ?? null,
      notificationUrl: config.notificationUrl ?? null,
      notificationTopicArn: config.notificationTopicArn ?? null,
      latest: runs[0] ?? null,
      running,
      currentStep: running ? currentStep(store.visits(running.id)) : null,
      alarm: pipelineAlarm(
        runs.filter((run) => runKind(run) === 'retraining'),
        schedulePeriodMs(config.retrainingRate, new Date(at)),
        at,
      ),
    };
  };

  return {
    async pipelines() {
      return options.pipelines.map(view);
    },
    async runs(name, limit) {
      return store.list({ pipelineName: name, limit });
    },
    async run(id) {
      const execution = store.get(id);
      return execution ? { execution, steps: store.visits(id) } : undefined;
    },
    async metricSeries(name, metric) {
      return metricSeries(store.list({ pipelineName: name }), metric);
    },
    async campaign(name): Promise<CampaignView | null> {
      const campaignArn = hosted(name)?.config.campaignArn;
      if (!campaignArn) return null;
      const { campaign } = await options.personalize.send(new DescribeCampaignCommand({ campaignArn }));
      const update = campaign?.latestCampaignUpdate;
      const updating = update && update.status !== 'ACTIVE' && update.status !== 'CREATE FAILED';
      const settled =
        update && update.status === 'ACTIVE' ? update.lastUpdatedDateTime : campaign?.creationDateTime;
      return {
        campaignArn,
        solutionVersionArn: campaign?.solutionVersionArn ?? null,
        since: settled ? settled.getTime() : null,
        status: campaign?.status ?? 'UNKNOWN',
        updatingTo: updating ? (update.solutionVersionArn ?? null) : null,
      };
    },
    async rollbackTarget(name) {
      return options.rollbackTarget(name);
    },
    startRun: (name) => options.startRun(name),
    rollback: (name) => options.rollback(name),
  };
}
