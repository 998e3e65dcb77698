import { openRetrainingApp, type AppEvent, type OpenAppOptions, type RetrainingApp } from '../app/index.js';
import type { CliIo } from './io.js';

/**
 * Opens the application layer for a command, telling the user when it waits for other processes'
 * runs before it can stop (a short-lived owner whose engine they use).
 */
export function openCommandApp(
  io: CliIo,
  options: Omit<OpenAppOptions, 'onWaitForClients'>,
): Promise<RetrainingApp> {
  return openRetrainingApp({
    ...options,
    onWaitForClients: (runs) =>
      io.err(
        `waiting for ${runs.length} run${runs.length === 1 ? '' : 's'} of other processes on this engine to finish ` +
          `(${runs.map((run) => `${run.pipelineName} ${run.executionName}, pid ${run.ownerPid ?? '?'}`).join('; ')})\n`,
      ),
  });
}

/** One line per notification a run sends, so outcomes are visible without LOG_LEVEL. */
export function notificationLine(event: AppEvent): string | undefined {
  if (event.type !== 'notification') return undefined;
  const { notification, receipt } = event;
  const subject = notification.subject ?? 'pipeline notification';
  const delivery = receipt.deliveryError ? ` (webhook failed: ${receipt.deliveryError})` : '';
  return `notified: ${subject}${delivery}\n`;
}

/**
 * One line per CloudWatch publication of a local run: there is no CloudWatch here, so the data
 * points the run would publish on AWS are shown instead (and sent nowhere).
 */
export function metricDataLine(event: AppEvent): string | undefined {
  if (event.type !== 'run' || event.event.type !== 'metric-data') return undefined;
  const { namespace, data } = event.event.publication;
  const points = data.map((datum) => `${datum.dimensions['Version'] ?? '?'} ${datum.value}`).join(', ');
  return `metrics (local: not sent to CloudWatch): ${namespace} ${data[0]?.metricName ?? ''} ${points}\n`;
}

/** `status` and `history`: read the state dir as its owner or a client, never creating it. */
export function openQueryApp(io: CliIo, stateDir: string, command: string): Promise<RetrainingApp> {
  return openCommandApp(io, { stateDir, command, ownership: 'if-free', create: false });
}
