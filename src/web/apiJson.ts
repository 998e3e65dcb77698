import type { MetricSeries } from '../app/metricSeries.js';
import { runKind } from '../app/runKind.js';
import type { ExecutionRecord, StateVisit } from '../pipeline/executions/index.js';
import type { CampaignView, PipelineView } from './dashboardApp.js';
import { maskUrl, maskUrlsInText } from './secrets.js';

/**
 * The shapes of the JSON API (docs/DASHBOARD.md). Runs keep the fields and epoch-ms times of
 * `history --json`, plus `kind` and `durationMs`; texts that may quote a webhook are masked.
 */
export function runJson(run: ExecutionRecord, withOutput = false) {
  const { output, ...fields } = run;
  return {
    ...fields,
    kind: runKind(run),
    durationMs: run.endedAt === null ? null : run.endedAt - run.startedAt,
    error: run.error === null ? null : maskUrlsInText(run.error),
    cause: run.cause === null ? null : maskUrlsInText(run.cause),
    ...(withOutput
      ? {
          output:
            output === null || output === undefined
              ? null
              : JSON.parse(maskUrlsInText(JSON.stringify(output))),
        }
      : {}),
  };
}

export function stepJson(step: StateVisit) {
  return { ...step, cause: step.cause === null ? null : maskUrlsInText(step.cause) };
}

export function pipelineJson(view: PipelineView, campaign?: CampaignView | null) {
  return {
    name: view.name,
    schedule: view.schedule,
    nextRunAt: view.nextRunAt,
    gate: view.gate,
    campaignArn: view.campaignArn,
    notification: {
      url: view.notificationUrl === null ? null : maskUrl(view.notificationUrl),
      topicArn: view.notificationTopicArn,
    },
    alarm: view.alarm,
    latestRun: view.latest === null ? null : runJson(view.latest),
    running: view.running === null ? null : { ...runJson(view.running), currentStep: view.currentStep },
    ...(campaign === undefined ? {} : { campaign }),
  };
}

export function seriesJson(name: string, series: MetricSeries) {
  return { pipeline: name, ...series };
}
