import type { StateVisit } from '../executions/types.js';

type MutableVisit = { -readonly [K in keyof StateVisit]: StateVisit[K] } & { caught: boolean };

/**
 * Turns a stream of state events into visits: one per entry into a state, closed by its exit or by
 * the failure that ended the run. Used for both targets: the local interpreter's event log and the
 * AWS execution history feed it through the same four calls.
 */
export class VisitTracker {
  private seq = 0;
  private readonly open = new Map<string, MutableVisit[]>();

  entered(name: string, type: string, at: number, iteration: number | null): StateVisit {
    const visit: MutableVisit = {
      seq: ++this.seq,
      stateName: name,
      stateType: type,
      iteration,
      enteredAt: at,
      exitedAt: null,
      durationMs: null,
      outcome: 'RUNNING',
      retries: 0,
      error: null,
      cause: null,
      caught: false,
    };
    const key = this.key(name, iteration);
    this.open.set(key, [...(this.open.get(key) ?? []), visit]);
    return snapshot(visit);
  }

  failed(
    name: string,
    iteration: number | null,
    error: string,
    cause: string | null,
  ): StateVisit | undefined {
    const visit = this.current(name, iteration);
    if (!visit) return undefined;
    visit.error = error;
    visit.cause = cause;
    return snapshot(visit);
  }

  retried(name: string, iteration: number | null): StateVisit | undefined {
    const visit = this.current(name, iteration);
    if (!visit) return undefined;
    visit.retries += 1;
    visit.caught = false;
    return snapshot(visit);
  }

  /** The last failure was handled by a `Catch` (or, in AWS history, not retried): exit means CAUGHT. */
  caught(name: string, iteration: number | null): void {
    const visit = this.current(name, iteration);
    if (visit) visit.caught = true;
  }

  exited(name: string, iteration: number | null, at: number): StateVisit | undefined {
    const key = this.key(name, iteration);
    const queue = this.open.get(key) ?? [];
    const visit = queue.shift();
    if (!visit) return undefined;
    if (queue.length === 0) this.open.delete(key);
    return close(visit, at, visit.caught ? 'CAUGHT' : 'SUCCEEDED');
  }

  /** Closes every visit still open, as failed: the run ended while they were under way. */
  endAll(at: number): StateVisit[] {
    const closed = [...this.open.values()].flat().map((visit) => close(visit, at, 'FAILED'));
    this.open.clear();
    return closed;
  }

  private current(name: string, iteration: number | null): MutableVisit | undefined {
    return this.open.get(this.key(name, iteration))?.[0];
  }

  private key(name: string, iteration: number | null): string {
    return `${name}\u0000${iteration ?? ''}`;
  }
}

function close(visit: MutableVisit, at: number, outcome: StateVisit['outcome']): StateVisit {
  visit.exitedAt = at;
  visit.durationMs = Math.max(0, at - visit.enteredAt);
  visit.outcome = outcome;
  if (outcome === 'SUCCEEDED' && visit.retries === 0) {
    visit.error = null;
    visit.cause = null;
  }
  return snapshot(visit);
}

function snapshot(visit: MutableVisit): StateVisit {
  return {
    seq: visit.seq,
    stateName: visit.stateName,
    stateType: visit.stateType,
    iteration: visit.iteration,
    enteredAt: visit.enteredAt,
    exitedAt: visit.exitedAt,
    durationMs: visit.durationMs,
    outcome: visit.outcome,
    retries: visit.retries,
    error: visit.error,
    cause: visit.cause,
  };
}
