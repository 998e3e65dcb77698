import type { MetricPoint, MetricSeries } from '../app/metricSeries.js';
import { html, type Html } from './html.js';

const WIDTH = 720;
const HEIGHT = 230;
const MARGIN = { top: 16, right: 20, bottom: 36, left: 56 };

/** The short name of a solution version: the last part of its ARN. */
export function versionName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

function valueRange(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let low = Math.min(...values);
  let high = Math.max(...values);
  const pad = Math.max((high - low) * 0.15, 0.01);
  low = Math.max(0, low - pad);
  high = Math.min(1, high + pad);
  return [low, high];
}

function pointMark(point: MetricPoint, x: number, y: number): Html {
  const label = `${versionName(point.solutionVersionArn)}: ${point.value === null ? 'no value' : point.value.toFixed(4)} (${point.outcome}, ${new Date(point.at).toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
  const shape =
    point.outcome === 'rejected' || point.outcome === 'failed'
      ? html`<path d="M${x - 5},${y - 5}L${x + 5},${y + 5}M${x - 5},${y + 5}L${x + 5},${y - 5}" />`
      : point.outcome === 'baseline'
        ? html`<rect x="${x - 5}" y="${y - 5}" width="10" height="10" transform="rotate(45 ${x} ${y})" />`
        : html`<circle cx="${x}" cy="${y}" r="5" />`;
  const mark = html`<g
    class="point point-${point.outcome}"
    data-version="${point.solutionVersionArn}"
    role="listitem"
    aria-label="${label}"
    ><title>${label}</title>${shape}</g
  >`;
  return point.runId === null ? mark : html`<a href="/runs/${point.runId}">${mark}</a>`;
}

/**
 * The gate metric of every solution version, oldest left, as inline SVG rendered on the server: one
 * mark per version (deployed, rejected, baseline drawn differently), a line through the versions in
 * order and a dashed rule where a rollback happened. Each mark has an accessible name and links to
 * its run; a table of the same numbers follows for screen readers and copying.
 */
export function metricChart(series: MetricSeries): Html {
  const withValue = series.points.filter((p): p is MetricPoint & { value: number } => p.value !== null);
  const [low, high] = valueRange(withValue.map((p) => p.value));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const step = series.points.length > 1 ? plotW / (series.points.length - 1) : 0;
  const xOf = (index: number) => MARGIN.left + (series.points.length > 1 ? index * step : plotW / 2);
  const yOf = (value: number) => MARGIN.top + plotH - ((value - low) / (high - low)) * plotH;
  const ticks = [0, 1, 2, 3, 4].map((i) => low + ((high - low) * i) / 4);
  const line = series.points
    .map((p, i) => (p.value === null ? null : `${xOf(i).toFixed(1)},${yOf(p.value).toFixed(1)}`))
    .filter((p) => p !== null)
    .join(' ');
  // The first and last labels grow inwards so they stay inside the picture.
  const anchorOf = (index: number) =>
    series.points.length < 2
      ? 'middle'
      : index === 0
        ? 'start'
        : index === series.points.length - 1
          ? 'end'
          : 'middle';
  const labelEvery = Math.max(1, Math.ceil(series.points.length / 8));
  const rollbackX = (at: number) => {
    const before = series.points.filter((p) => p.at <= at).length;
    return before === 0
      ? xOf(0)
      : before >= series.points.length
        ? xOf(series.points.length - 1) + Math.min(step / 2, 12)
        : xOf(before - 1) + step / 2;
  };
  return html`<figure class="chart">
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="group" aria-labelledby="chart-title" class="metric-chart">
      <title id="chart-title">${series.metric} per solution version, oldest first</title>
      ${ticks.map(
        (tick) =>
          html`<line
              class="grid"
              x1="${MARGIN.left}"
              x2="${WIDTH - MARGIN.right}"
              y1="${yOf(tick).toFixed(1)}"
              y2="${yOf(tick).toFixed(1)}"
            /><text class="tick" x="${MARGIN.left - 6}" y="${(yOf(tick) + 4).toFixed(1)}" text-anchor="end"
              >${tick.toFixed(3)}</text
            >`,
      )}
      ${series.points.map((p, i) =>
        i % labelEvery === 0
          ? html`<text class="tick" x="${xOf(i).toFixed(1)}" y="${HEIGHT - 14}" text-anchor="${anchorOf(i)}"
              >${new Date(p.at).toISOString().slice(5, 16).replace('T', ' ')}</text
            >`
          : '',
      )}
      ${series.rollbacks.map(
        (r) =>
          html`<line
            class="rollback"
            x1="${rollbackX(r.at).toFixed(1)}"
            x2="${rollbackX(r.at).toFixed(1)}"
            y1="${MARGIN.top}"
            y2="${MARGIN.top + plotH}"
            ><title>
              rollback (run
              ${r.runId}${r.toSolutionVersionArn ? ` to ${versionName(r.toSolutionVersionArn)}` : ''}${r.succeeded ? '' : ', failed'})
            </title></line
          >`,
      )}
      ${line ? html`<polyline class="trend" points="${line}" />` : ''}
      <g role="list" aria-label="solution versions">
        ${series.points.map((p, i) => (p.value === null ? pointMark(p, xOf(i), MARGIN.top + plotH) : pointMark(p, xOf(i), yOf(p.value))))}
      </g>
    </svg>
    <figcaption class="legend">
      <span class="key key-deployed">● deployed</span>
      <span class="key key-rejected">✕ rejected or failed</span>
      <span class="key key-baseline">◆ served before the first run</span>
      <span class="key key-rollback">┆ rollback</span>
    </figcaption>
    <details class="chart-numbers">
      <summary>The numbers</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">Solution version</th>
            <th scope="col">Outcome</th>
            <th scope="col">${series.metric}</th>
            <th scope="col">Run</th>
          </tr>
        </thead>
        <tbody>
          ${series.points.map(
            (p) =>
              html`<tr>
                <td class="mono">${versionName(p.solutionVersionArn)}</td>
                <td>${p.outcome}</td>
                <td class="mono">${p.value === null ? 'n/a' : p.value.toFixed(4)}</td>
                <td>${p.runId === null ? '—' : html`<a href="/runs/${p.runId}">${p.runId}</a>`}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </details>
  </figure>`;
}
