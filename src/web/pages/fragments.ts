import type { PipelineAlarm } from '../../app/pipelineHealth.js';
import type { ExecutionRecord } from '../../app/index.js';
import type { PipelineView } from '../../app/dashboardQueries.js';
import { formatAge, formatDurationMs, formatMetricValue, formatTime } from '../format.js';
import { html, type Html } from '../html.js';

/** A run's outcome as a coloured word; a rollback says so. */
export function outcomeBadge(run: ExecutionRecord): Html {
  const rollback = run.kind === 'rollback';
  return html`<span class="badge status-${run.status.toLowerCase()}"
    >${rollback ? `rollback ${run.status}` : run.status}</span
  >`;
}

export function alarmBadge(alarm: PipelineAlarm): Html {
  const label = { ok: 'OK', 'never-run': 'no runs yet', failed: 'FAILING', stale: 'STALE' }[alarm.state];
  return html`<span
    class="badge alarm-${alarm.state}"
    ${'reason' in alarm ? html`title="${alarm.reason}"` : ''}
    >${label}</span
  >`;
}

/** Why a pipeline is alarmed, announced to screen readers; nothing when it is healthy. */
export function alarmReason(alarm: PipelineAlarm): Html | '' {
  return 'reason' in alarm ? html`<p class="alarm-reason" role="alert">${alarm.reason}</p>` : '';
}

/** When the schedule runs the pipeline next, and how far off that is. */
export function nextRun(pipeline: PipelineView, now: number): Html | string {
  return pipeline.nextRunAt === null
    ? 'not scheduled'
    : html`${formatTime(pipeline.nextRunAt)}${pipeline.nextRunMode === 'UPDATE' ? ' (UPDATE)' : ''}
        <span class="muted">(${formatAge(pipeline.nextRunAt, now)})</span>`;
}

/** The run in progress and its current step, as facts; nothing when the pipeline is idle. */
export function runningNowFacts(pipeline: PipelineView): Html | '' {
  return pipeline.running
    ? html`<dt>Running now</dt>
        <dd class="live">
          <a href="/runs/${pipeline.running.id}">${pipeline.running.executionName}</a>:
          <span class="current-step">${pipeline.currentStep ?? 'starting'}</span>
        </dd>`
    : '';
}

export function runDuration(run: ExecutionRecord): string {
  return run.endedAt === null ? 'running' : formatDurationMs(run.endedAt - run.startedAt);
}

export function gateNumbers(run: ExecutionRecord, metric: string): string {
  if (!run.metrics && !run.previousMetrics) return '';
  return `${formatMetricValue(run.previousMetrics?.[metric])} → ${formatMetricValue(run.metrics?.[metric])}`;
}

/** The runs of a pipeline as a table, newest first, each linking to its detail. */
export function runTable(runs: readonly ExecutionRecord[], gateMetric: string): Html {
  if (runs.length === 0) return html`<p class="empty">No runs yet.</p>`;
  return html`<div class="table-scroll">
    <table class="runs">
      <caption class="visually-hidden">
        Runs, newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">ID</th>
          <th scope="col">Execution</th>
          <th scope="col">Outcome</th>
          <th scope="col">Started</th>
          <th scope="col">Took</th>
          <th scope="col"><abbr title="${gateMetric}, served version → new version">Gate metric</abbr></th>
        </tr>
      </thead>
      <tbody>
        ${runs.map(
          (run) =>
            html`<tr data-run-id="${run.id}">
              <td><a href="/runs/${run.id}">${run.id}</a></td>
              <td class="mono">
                ${run.executionName}${run.trainingMode === 'UPDATE' ? html` <span class="muted">UPDATE</span>` : ''}
              </td>
              <td>${outcomeBadge(run)}</td>
              <td>${formatTime(run.startedAt)}</td>
              <td>${runDuration(run)}</td>
              <td class="mono">${gateNumbers(run, gateMetric)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
