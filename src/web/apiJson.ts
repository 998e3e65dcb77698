import type { CampaignView, PipelineView } from '../app/dashboardQueries.js';
import type { MetricSeries } from '../app/metricSeries.js';
import type { ExecutionRecord, StateVisit } from '../app/index.js';
import { maskUrl, maskUrlsInText } from './secrets.js';

/**
 * The shapes of the JSON API (docs/DASHBOARD.md). Runs keep the fields and epoch-ms times of
 * `history --json`; texts that may quote a webhook are masked.
 */
export function runJson(run: ExecutionRecord) {
  return {
    ...run,
    error: run.error === null ? null : maskUrlsInText(run.error),
    cause: run.cause === null ? null : maskUrlsInText(run.cause),
    output:
      run.output === null || run.output === undefined
        ? null
        : (JSON.parse(maskUrlsInText(JSON.stringify(run.output))) as unknown),
  };
}

export function stepJson(step: StateVisit) {
  return { ...step, cause: step.cause === null ? null : maskUrlsInText(step.cause) };
}

/** What the dashboard adds to a pipeline's entry in /api/pipelines. */
export function pipelineJson(view: PipelineView, campaign?: CampaignView | null) {
  return {
    nextRunAt: view.nextRunAt,
    nextRunMode: view.nextRunMode,
    alarm: view.alarm,
    latestRun: view.latest === null ? null : runJson(view.latest),
    running: view.running === null ? null : { ...runJson(view.running), currentStep: view.currentStep },
    notification: {
      url: view.notificationUrl === null ? null : maskUrl(view.notificationUrl),
      topicArn: view.notificationTopicArn,
    },
    ...(campaign === undefined ? {} : { campaign }),
  };
}

export function seriesJson(name: string, series: MetricSeries) {
  return { pipeline: name, ...series };
}
