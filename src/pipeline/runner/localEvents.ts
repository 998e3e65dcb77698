import type { StateMachine } from 'aws-local-stepfunctions';
import type { StateVisit } from '../executions/types.js';
import type { VisitTracker } from './stateVisits.js';

/** One entry of the interpreter's event log (its type is not exported by name). */
export type LocalEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

function causeText(cause: unknown): string | null {
  if (cause === undefined || cause === null) return null;
  if (cause instanceof Error) return cause.message;
  return typeof cause === 'string' ? cause : JSON.stringify(cause);
}

/** Feeds one interpreter event to the tracker; returns the visits it changed. */
export function applyLocalEvent(tracker: VisitTracker, event: LocalEvent): StateVisit[] {
  const changed = (visit: StateVisit | undefined) => (visit ? [visit] : []);
  switch (event.type) {
    case 'StateEntered':
      return [tracker.entered(event.state.name, event.state.type, event.timestamp, event.index ?? null)];
    case 'StateFailed':
      return changed(
        tracker.failed(event.state.name, event.index ?? null, event.Error, causeText(event.Cause)),
      );
    case 'StateRetried':
      return changed(tracker.retried(event.state.name, event.index ?? null));
    case 'StateCaught':
      tracker.caught(event.state.name, event.index ?? null);
      return [];
    case 'StateExited':
      return changed(tracker.exited(event.state.name, event.index ?? null, event.timestamp));
    default:
      return [];
  }
}
