import type { PipelineView } from '../../app/dashboardQueries.js';
import type { RunDetail } from '../../app/index.js';
import { formatDurationMs, formatMetricValue, formatTime } from '../format.js';
import { html, type Html } from '../html.js';
import { maskUrlsInText } from '../secrets.js';
import { outcomeBadge, runDuration } from './fragments.js';

/** The gate's numbers and what it decided, as far as the record tells. */
function gateDecision({ execution }: RunDetail, pipeline: PipelineView | undefined): Html {
  if (execution.kind === 'rollback' || (!execution.metrics && !execution.previousMetrics)) return html``;
  const metric = pipeline?.gate.metric ?? 'normalized_discounted_cumulative_gain_at_10';
  const output = execution.output as { Reason?: unknown } | null;
  const decision =
    execution.status === 'REJECTED'
      ? 'rejected'
      : execution.status === 'SUCCEEDED'
        ? 'deployed'
        : 'not decided';
  return html`<section aria-labelledby="gate-title">
    <h2 id="gate-title">Metric gate: ${decision}</h2>
    <dl class="facts">
      <dt>${metric}</dt>
      <dd class="mono">
        ${formatMetricValue(execution.previousMetrics?.[metric])} (served) →
        ${formatMetricValue(execution.metrics?.[metric])} (new)
      </dd>
      ${
        pipeline
          ? html`<dt>Rules</dt>
              <dd>
                tolerance
                ${pipeline.gate.tolerance}${pipeline.gate.minimum !== null ? `, minimum ${pipeline.gate.minimum}` : ''}
              </dd>`
          : ''
      }
      ${
        typeof output?.Reason === 'string'
          ? html`<dt>Reason</dt>
              <dd>${maskUrlsInText(output.Reason)}</dd>`
          : ''
      }
    </dl>
  </section>`;
}

/** Visits that only route (Choice, Pass) clutter the timeline; failed ones stay. */
const ROUTING_TYPES = new Set(['Choice', 'Pass']);

function timeline({ execution, visits }: RunDetail, now: number): Html {
  if (visits.length === 0) return html`<p class="empty">No steps recorded.</p>`;
  const steps = visits.filter(
    (v) => !ROUTING_TYPES.has(v.stateType) || v.outcome === 'FAILED' || v.outcome === 'CAUGHT',
  );
  const hidden = visits.length - steps.length;
  const end = Math.max(execution.endedAt ?? now, ...steps.map((s) => s.exitedAt ?? now));
  const span = Math.max(end - execution.startedAt, 1);
  return html`<div class="table-scroll">
      <table class="steps">
        <caption class="visually-hidden">
          Each visit of a state, in order
        </caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Started</th>
            <th scope="col">Took</th>
            <th scope="col">Outcome</th>
            <th scope="col" class="bar-col">Timeline</th>
          </tr>
        </thead>
        <tbody>
          ${steps.map((step) => {
            const offset = step.enteredAt - execution.startedAt;
            const took = step.durationMs ?? (step.exitedAt ?? now) - step.enteredAt;
            return html`<tr class="step-${step.outcome.toLowerCase()}">
              <td class="mono">
                ${step.stateName}${step.iteration !== null ? html` <span class="muted">#${step.iteration}</span>` : ''}
                ${step.retries > 0 ? html`<span class="muted">(${step.retries} retries)</span>` : ''}
                ${step.error ? html`<div class="error-text">${step.error}${step.cause ? `: ${maskUrlsInText(step.cause)}` : ''}</div>` : ''}
              </td>
              <td>+${formatDurationMs(offset)}</td>
              <td>${step.outcome === 'RUNNING' ? 'running' : formatDurationMs(took)}</td>
              <td>${step.outcome}</td>
              <td class="bar-col" aria-hidden="true">
                <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none">
                  <rect
                    x="${((offset / span) * 100).toFixed(2)}"
                    width="${Math.max((took / span) * 100, 0.3).toFixed(2)}"
                    height="10"
                  />
                </svg>
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
    ${hidden > 0 ? html`<p class="muted">${hidden} routing visits (Choice, Pass) not shown; <a href="/api/runs/${execution.id}">/api/runs/${execution.id}</a> lists them all.</p>` : ''}`;
}

/** One run: outcome, error, the gate's decision, the versions involved and every state visit. */
export function runPage(detail: RunDetail, pipeline: PipelineView | undefined, now: number): Html {
  const run = detail.execution;
  const rollback = run.kind === 'rollback';
  return html`<h1>
      ${rollback ? 'Rollback' : 'Run'} <span class="mono">${run.executionName}</span> ${outcomeBadge(run)}
    </h1>
    <dl class="facts" data-run-status="${run.status}">
      <dt>Pipeline</dt>
      <dd><a href="/pipelines/${encodeURIComponent(run.pipelineName)}">${run.pipelineName}</a></dd>
      <dt>Started</dt>
      <dd>${formatTime(run.startedAt)}</dd>
      <dt>Ended</dt>
      <dd>${formatTime(run.endedAt)} (${runDuration(run)})</dd>
      ${
        run.trainingMode !== null
          ? html`<dt>Training</dt>
              <dd>${run.trainingMode}</dd>`
          : ''
      }
      <dt>Target</dt>
      <dd>
        ${run.target}${run.executionArn ? html` <span class="mono muted">${run.executionArn}</span>` : ''}
      </dd>
      ${
        run.resumedFrom !== null
          ? html`<dt>Resumed</dt>
              <dd><a href="/runs/${run.resumedFrom}">run ${run.resumedFrom}</a></dd>`
          : ''
      }
      <dt>${rollback ? 'Rolled back to' : 'New version'}</dt>
      <dd class="mono">${run.solutionVersionArn ?? '—'}</dd>
      <dt>${rollback ? 'Rolled back from' : 'Served before'}</dt>
      <dd class="mono">${run.previousSolutionVersionArn ?? '—'}</dd>
    </dl>
    ${
      run.error || (run.status === 'SKIPPED' && run.cause)
        ? html`<section class="failure" aria-labelledby="error-title">
            <h2 id="error-title">${run.status === 'SKIPPED' ? 'Why it was skipped' : 'Error'}</h2>
            ${run.error ? html`<p class="mono">${run.error}</p>` : ''}
            ${run.cause ? html`<pre class="cause">${maskUrlsInText(run.cause)}</pre>` : ''}
          </section>`
        : ''
    }
    ${gateDecision(detail, pipeline)}
    <section aria-labelledby="steps-title">
      <h2 id="steps-title">
        Steps${run.status === 'RUNNING' ? html` <span class="badge status-running live">live</span>` : ''}
      </h2>
      ${timeline(detail, now)}
    </section>`;
}
