import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { StateVisit } from '../executions/types.js';
import { HistoryReader } from './awsHistory.js';
import type { FactsCollector } from './executionFacts.js';
import type { TerminalState } from './outcome.js';
import { VisitTracker } from './stateVisits.js';

export interface AwsExecutionOptions {
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
  readonly executionName: string;
  readonly input: unknown;
  readonly facts: FactsCollector;
  readonly onStarted: (executionArn: string) => void;
  readonly onVisit: (visit: StateVisit) => void;
  /** @default 10000 */
  readonly pollIntervalMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly signal?: AbortSignal;
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Starts the deployed state machine and follows it until it ends, reading its history into state
 * visits as it goes. Stopping (the signal) stops following only: the execution goes on in AWS.
 */
export async function executeOnAws(options: AwsExecutionOptions): Promise<TerminalState> {
  const started = await options.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: options.stateMachineArn,
      name: options.executionName,
      input: JSON.stringify(options.input ?? {}),
    }),
  );
  const executionArn = started.executionArn;
  if (!executionArn)
    throw new Error(`StartExecution on ${options.stateMachineArn} returned no executionArn.`);
  options.onStarted(executionArn);
  const tracker = new VisitTracker();
  const reader = new HistoryReader(tracker, options.facts);
  const sleep = options.sleep ?? abortableSleep;
  for (;;) {
    const described = await options.sfn.send(new DescribeExecutionCommand({ executionArn }));
    for (const visit of reader.read(await history(options.sfn, executionArn))) options.onVisit(visit);
    const status = described.status ?? 'RUNNING';
    if (status !== 'RUNNING' && status !== 'PENDING_REDRIVE') {
      for (const visit of tracker.endAll(described.stopDate?.getTime() ?? Date.now())) options.onVisit(visit);
      return terminal(status, described.output, described.error, described.cause);
    }
    if (options.signal?.aborted)
      return {
        kind: 'aborted',
        cause: `Stopped following ${executionArn}; the execution goes on in AWS Step Functions.`,
      };
    await sleep(options.pollIntervalMs ?? 10_000, options.signal);
  }
}

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        maxResults: 1000,
        includeExecutionData: true,
        nextToken,
      }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

function terminal(status: string, output?: string, error?: string, cause?: string): TerminalState {
  switch (status) {
    case 'SUCCEEDED':
      return { kind: 'succeeded', output: output === undefined ? null : (JSON.parse(output) as unknown) };
    case 'ABORTED':
      return { kind: 'aborted', cause: cause ?? 'The execution was stopped in AWS Step Functions.' };
    case 'TIMED_OUT':
      return { kind: 'failed', error: error ?? 'States.Timeout', cause: cause ?? 'The execution timed out.' };
    default:
      return { kind: 'failed', error: error ?? 'States.Failed', cause: cause ?? null };
  }
}
