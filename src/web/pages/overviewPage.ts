import { formatAge, formatTime } from '../format.js';
import { html, type Html } from '../html.js';
import type { CampaignView, PipelineView } from '../../app/dashboardQueries.js';
import { maskUrl } from '../secrets.js';
import { versionName } from '../metricChart.js';
import { alarmBadge, alarmReason, nextRun, outcomeBadge, runDuration, runningNowFacts } from './fragments.js';

export interface OverviewEntry {
  readonly pipeline: PipelineView;
  readonly campaign: CampaignView | null;
}

export function campaignLine(campaign: CampaignView | null): Html {
  if (!campaign) return html`<span class="muted">no campaign configured</span>`;
  return html`<span
      class="mono campaign-serves"
      data-version="${campaign.solutionVersionArn ?? ''}"
      title="${campaign.solutionVersionArn ?? ''}"
      >${campaign.solutionVersionArn ? versionName(campaign.solutionVersionArn) : 'nothing'}</span
    >
    ${campaign.since !== null ? html`<span class="muted">since ${formatTime(campaign.since)}</span>` : ''}
    ${campaign.updatingTo ? html`<span class="badge status-running">moving to ${versionName(campaign.updatingTo)}</span>` : ''}`;
}

function pipelineCard({ pipeline, campaign }: OverviewEntry, now: number): Html {
  const latest = pipeline.latest;
  const id = `pipeline-${pipeline.name}`;
  const notify = [
    pipeline.notificationUrl ? maskUrl(pipeline.notificationUrl) : null,
    pipeline.notificationTopicArn,
  ].filter((target) => target !== null);
  return html`<section
    class="card pipeline health-${pipeline.alarm.state}"
    aria-labelledby="${id}"
    data-pipeline="${pipeline.name}"
  >
    <h2 id="${id}">
      <a href="/pipelines/${encodeURIComponent(pipeline.name)}">${pipeline.name}</a>
      ${alarmBadge(pipeline.alarm)}
    </h2>
    ${alarmReason(pipeline.alarm)}
    <dl class="facts">
      <dt>Schedule</dt>
      <dd class="mono">${pipeline.schedule}</dd>
      <dt>Next run</dt>
      <dd>${nextRun(pipeline, now)}</dd>
      <dt>Latest run</dt>
      <dd>
        ${
          latest
            ? html`<a href="/runs/${latest.id}">${latest.executionName}</a> ${outcomeBadge(latest)}
                <span class="muted">${formatAge(latest.startedAt, now)}, took ${runDuration(latest)}</span>`
            : html`<span class="muted">none yet</span>`
        }
      </dd>
      ${runningNowFacts(pipeline)}
      <dt>Campaign serves</dt>
      <dd>${campaignLine(campaign)}</dd>
      <dt>Gate</dt>
      <dd class="mono">${pipeline.gate.metric}</dd>
      <dt>Notifies</dt>
      <dd class="mono">${notify.length > 0 ? notify.join(', ') : 'log only'}</dd>
    </dl>
  </section>`;
}

/** Every pipeline `serve` hosts, with its schedule, latest run, alarm and what its campaign serves. */
export function overviewPage(entries: readonly OverviewEntry[], now: number): Html {
  return html`<h1>Pipelines</h1>
    ${entries.length === 0 ? html`<p class="empty">This server hosts no pipeline.</p>` : ''}
    <div class="cards">${entries.map((entry) => pipelineCard(entry, now))}</div>`;
}
