import type { MetricSeries } from '../../app/metricSeries.js';
import type { ExecutionRecord } from '../../app/index.js';
import type { CampaignView, PipelineView } from '../../app/dashboardQueries.js';
import { html, type Html } from '../html.js';
import { metricChart, versionName } from '../metricChart.js';
import { alarmBadge, alarmReason, nextRun, runTable, runningNowFacts } from './fragments.js';
import { campaignLine } from './overviewPage.js';

export interface PipelinePageData {
  readonly pipeline: PipelineView;
  readonly campaign: CampaignView | null;
  readonly runs: readonly ExecutionRecord[];
  readonly series: MetricSeries;
  readonly rollbackTarget: { target: string } | { reason: string };
  /** More runs exist than `runs` holds. */
  readonly more: boolean;
  readonly now: number;
}

function actions({ pipeline, campaign, rollbackTarget }: PipelinePageData): Html {
  const name = pipeline.name;
  return html`<div class="actions">
      <button type="button" data-action="run" data-pipeline="${name}" ${pipeline.running ? 'disabled' : ''}>
        Run now
      </button>
      ${
        'target' in rollbackTarget
          ? html`<button type="button" class="secondary" data-open-dialog="rollback-dialog">
                Roll back…
              </button>
              <dialog id="rollback-dialog" aria-labelledby="rollback-title">
                <form method="dialog">
                  <h2 id="rollback-title">Roll back ${name}?</h2>
                  <p>
                    The campaign serves
                    <span class="mono"
                      >${campaign?.solutionVersionArn ? versionName(campaign.solutionVersionArn) : 'nothing'}</span
                    >
                    now. After the rollback it serves
                    <span class="mono">${versionName(rollbackTarget.target)}</span> again.
                  </p>
                  <div class="dialog-buttons">
                    <button value="cancel" class="secondary">Cancel</button>
                    <button value="confirm" data-action="rollback" data-pipeline="${name}">Roll back</button>
                  </div>
                </form>
              </dialog>`
          : html`<button type="button" class="secondary" disabled title="${rollbackTarget.reason}">
                Roll back…
              </button>
              <span class="muted">${rollbackTarget.reason}</span>`
      }
    </div>
    <p id="action-status" role="status" aria-live="polite"></p>`;
}

function metricPicker(series: MetricSeries, name: string): Html {
  if (series.metrics.length <= 1) return html``;
  return html`<form method="get" action="/pipelines/${encodeURIComponent(name)}" class="metric-picker">
    <label for="metric">Metric</label>
    <select id="metric" name="metric" data-autosubmit>
      ${series.metrics.map((metric) => html`<option value="${metric}" ${metric === series.metric ? 'selected' : ''}>${metric}</option>`)}
    </select>
    <noscript><button type="submit">Show</button></noscript>
  </form>`;
}

/** One pipeline: its actions, what its campaign serves, the metric trend and every run. */
export function pipelinePage(data: PipelinePageData): Html {
  const { pipeline, series } = data;
  return html`<h1>${pipeline.name} ${alarmBadge(pipeline.alarm)}</h1>
    ${alarmReason(pipeline.alarm)} ${actions(data)}
    <dl class="facts">
      <dt>Campaign serves</dt>
      <dd>${campaignLine(data.campaign)}</dd>
      <dt>Schedule</dt>
      <dd><span class="mono">${pipeline.schedule}</span>, next run ${nextRun(pipeline, data.now)}</dd>
      ${runningNowFacts(pipeline)}
    </dl>
    <section aria-labelledby="trend-title">
      <h2 id="trend-title">Metric trend</h2>
      ${metricPicker(series, pipeline.name)}
      ${series.points.length === 0 ? html`<p class="empty">No solution version with metrics yet.</p>` : metricChart(series)}
    </section>
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">Runs</h2>
      ${runTable(data.runs, series.metric)}
      ${data.more ? html`<p><a href="?limit=1000">Show up to 1000 runs</a></p>` : ''}
    </section>`;
}
