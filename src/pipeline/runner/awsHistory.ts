import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { StateVisit } from '../executions/types.js';
import type { FactsCollector } from './executionFacts.js';
import type { VisitTracker } from './stateVisits.js';

interface Owner {
  readonly enteredId: number;
  readonly name: string;
}

const ENTERED = /^(\w+?)StateEntered$/;
const EXITED = /^(\w+?)StateExited$/;
const TASK_FAILURES = new Set(['TaskFailed', 'TaskTimedOut', 'TaskStartFailed', 'TaskSubmitFailed']);

/**
 * Reads an AWS Step Functions execution history into the same state visits and run facts the local
 * interpreter produces. Task events belong to the state whose `…StateEntered` event starts their
 * `previousEventId` chain; a second `TaskScheduled` in one visit is a retry.
 */
export class HistoryReader {
  private lastId = 0;
  private readonly owners = new Map<number, Owner>();
  private readonly scheduled = new Map<number, number>();

  constructor(
    private readonly tracker: VisitTracker,
    private readonly facts: FactsCollector,
  ) {}

  /** Applies the events not seen yet (history is re-read whole on each poll); returns changed visits. */
  read(events: readonly HistoryEvent[]): StateVisit[] {
    const changed: StateVisit[] = [];
    for (const event of [...events].sort((a, b) => (a.id ?? 0) - (b.id ?? 0))) {
      const id = event.id ?? 0;
      if (id <= this.lastId) continue;
      this.lastId = id;
      const visit = this.apply(id, event);
      if (visit) changed.push(visit);
    }
    return changed;
  }

  private apply(id: number, event: HistoryEvent): StateVisit | undefined {
    const type = event.type ?? '';
    const at = event.timestamp?.getTime() ?? Date.now();
    const entered = ENTERED.exec(type);
    if (entered && event.stateEnteredEventDetails?.name) {
      const name = event.stateEnteredEventDetails.name;
      this.owners.set(id, { enteredId: id, name });
      return this.tracker.entered(name, entered[1] ?? type, at, null);
    }
    if (EXITED.test(type) && event.stateExitedEventDetails?.name)
      return this.tracker.exited(event.stateExitedEventDetails.name, null, at);
    const owner = event.previousEventId === undefined ? undefined : this.owners.get(event.previousEventId);
    if (!owner) return undefined;
    this.owners.set(id, owner);
    if (type === 'TaskScheduled') {
      const count = (this.scheduled.get(owner.enteredId) ?? 0) + 1;
      this.scheduled.set(owner.enteredId, count);
      return count > 1 ? this.tracker.retried(owner.name, null) : undefined;
    }
    if (type === 'TaskSucceeded') {
      const details = event.taskSucceededEventDetails;
      if (details?.resourceType?.endsWith('personalize') && details.resource && details.output)
        this.facts.observe(details.resource, parseJson(details.output));
      return undefined;
    }
    if (TASK_FAILURES.has(type)) {
      const details =
        event.taskFailedEventDetails ??
        event.taskTimedOutEventDetails ??
        event.taskStartFailedEventDetails ??
        event.taskSubmitFailedEventDetails;
      const visit = this.tracker.failed(owner.name, null, details?.error ?? type, details?.cause ?? null);
      this.tracker.caught(owner.name, null);
      return visit;
    }
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
