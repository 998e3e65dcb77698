import type { ExecutionRecord, StateVisit } from '../pipeline/executions/index.js';
import type { RunEvent } from '../pipeline/runner/index.js';
import type { CliIo } from './io.js';

/** States that only route or wait; progress lines name the work, not the plumbing. */
const QUIET_TYPES = new Set(['Choice', 'Pass', 'Wait', 'Succeed', 'Fail']);

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/**
 * Shows a run while it waits: on a terminal, one line rewritten in place with the current step and
 * the elapsed time; otherwise a plain line per finished task, fit for logs.
 */
export function progressPrinter(
  io: CliIo,
  label: string,
): { onEvent: (event: RunEvent) => void; stop: () => void } {
  const started = Date.now();
  let current = 'starting';
  let timer: NodeJS.Timeout | undefined;
  const redraw = () => io.out(`\r\x1b[2K${label} · ${current} · ${formatDuration(Date.now() - started)}`);
  if (io.isTty) timer = setInterval(redraw, 250);
  const onEvent = (event: RunEvent) => {
    if (event.type === 'execution-started' && event.execution.resumedFrom !== null) {
      // Said once, on every kind of output: the run picks up the resources the aborted one started.
      io.out(
        `${io.isTty ? '\r\x1b[2K' : ''}resuming run ${event.execution.resumedFrom} (aborted) under its name ${event.execution.executionName}\n`,
      );
      return;
    }
    if (event.type !== 'state') return;
    const visit: StateVisit = event.visit;
    if (visit.outcome === 'RUNNING') {
      if (!QUIET_TYPES.has(visit.stateType) || visit.stateType === 'Wait') current = visit.stateName;
      if (io.isTty) redraw();
      return;
    }
    if (io.isTty || QUIET_TYPES.has(visit.stateType)) return;
    const took = visit.durationMs === null ? '' : ` (${formatDuration(visit.durationMs)})`;
    const error = visit.error ? ` ${visit.error}` : '';
    io.out(
      `${formatDuration(Date.now() - started).padStart(8)}  ${visit.stateName} ${visit.outcome.toLowerCase()}${took}${error}\n`,
    );
  };
  return {
    onEvent,
    stop() {
      if (timer) clearInterval(timer);
      if (io.isTty) io.out('\r\x1b[2K');
    },
  };
}

/** Time spent per step, in the order steps were first entered; polling loops add up. */
export function stepDurations(visits: readonly StateVisit[]): { step: string; ms: number; visits: number }[] {
  const steps = new Map<string, { step: string; ms: number; visits: number }>();
  for (const visit of visits) {
    if (visit.stateType === 'Choice' || visit.stateType === 'Pass') continue;
    const entry = steps.get(visit.stateName) ?? { step: visit.stateName, ms: 0, visits: 0 };
    entry.ms += visit.durationMs ?? 0;
    entry.visits += 1;
    steps.set(visit.stateName, entry);
  }
  return [...steps.values()];
}

export function formatMetric(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toFixed(4);
}

/** A short account of a finished run: outcome, steps with durations, the gate metric before and after. */
export function describeRun(
  execution: ExecutionRecord,
  visits: readonly StateVisit[],
  gateMetric: string,
): string {
  const lines = [`${execution.pipelineName} run ${execution.executionName}: ${execution.status}`];
  if (execution.endedAt !== null)
    lines[0] += ` in ${formatDuration(execution.endedAt - execution.startedAt)}`;
  for (const { step, ms, visits: count } of stepDurations(visits)) {
    lines.push(
      `  ${step.padEnd(28)} ${formatDuration(ms).padStart(9)}${count > 1 ? `  (${count} visits)` : ''}`,
    );
  }
  if (execution.kind === 'rollback')
    lines.push(
      `  rollback from ${execution.previousSolutionVersionArn ?? 'nothing'}\n  to ${execution.solutionVersionArn ?? '?'}`,
    );
  else if (execution.solutionVersionArn)
    lines.push(`  new solution version: ${execution.solutionVersionArn}`);
  if (execution.metrics || execution.previousMetrics) {
    lines.push(
      `  ${gateMetric}: ${formatMetric(execution.previousMetrics?.[gateMetric])} (served before) → ` +
        `${formatMetric(execution.metrics?.[gateMetric])} (${execution.kind === 'rollback' ? 'serving now' : 'new'})`,
    );
  }
  if (execution.error)
    lines.push(`  error: ${execution.error}${execution.cause ? `: ${execution.cause}` : ''}`);
  else if (execution.cause) lines.push(`  ${execution.status.toLowerCase()}: ${execution.cause}`);
  const dataCheck = dataCheckVerdict(execution.output);
  if (dataCheck) lines.push(`  data check: ${dataCheck}`);
  return `${lines.join('\n')}\n`;
}

/** Why a SkipUnchangedData run retrained (`$.UnchangedData.Verdict` in the summary's Detail), if it says. */
function dataCheckVerdict(output: unknown): string | undefined {
  const reason = (output as { Detail?: { UnchangedData?: { Verdict?: { Reason?: unknown } } } } | null)
    ?.Detail?.UnchangedData?.Verdict?.Reason;
  return typeof reason === 'string' ? reason : undefined;
}
