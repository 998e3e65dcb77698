import { nextFireTimes, type Schedule } from '../config/schedule.js';
import type { TrainingMode } from '../config/trainingModes.js';

/** One schedule of a pipeline; a pipeline with UpdateRate is listed twice, once per training mode. */
export interface ScheduledPipeline {
  readonly name: string;
  readonly schedule: Schedule;
  /** The training mode this schedule's runs ask for; unset: the pipeline's default. */
  readonly trainingMode?: TrainingMode;
}

/** When a pipeline fires next, and in which training mode. */
export interface NextRun {
  readonly name: string;
  readonly at: Date | undefined;
  readonly trainingMode?: TrainingMode;
}

/** What the scheduler asks of its host: run one pipeline now, and record a skipped fire. */
export interface SchedulerHost {
  run(pipeline: ScheduledPipeline, signal: AbortSignal): Promise<void>;
  skipped(pipeline: ScheduledPipeline, reason: string): void;
  onError?(pipeline: ScheduledPipeline, error: unknown): void;
}

export interface SchedulerClock {
  now(): Date;
  setTimeout(callback: () => void, ms: number): { cancel(): void };
}

export const systemClock: SchedulerClock = {
  now: () => new Date(),
  setTimeout(callback, ms) {
    // Timers cannot wait longer than about 24.8 days; longer waits re-arm in steps.
    const timer = setTimeout(callback, Math.min(ms, 2 ** 31 - 1));
    return { cancel: () => clearTimeout(timer) };
  },
};

/**
 * Fires each pipeline on its RetrainingRate (UTC; rates count from the scheduler's start), and on its
 * UpdateRate when it has one. A pipeline never runs twice at once: a fire while it runs is recorded
 * as skipped. An UPDATE fire at the same minute as a FULL one of the same pipeline gives way to it
 * silently (the FULL retrain covers the new items). Different pipelines run in parallel. `stop()` cancels the timers and aborts running runs, then waits for them to record it.
 */
export class RetrainingScheduler {
  private readonly timers = new Map<ScheduledPipeline, { cancel(): void }>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly controller = new AbortController();
  private readonly startedAt: Date;

  constructor(
    private readonly pipelines: readonly ScheduledPipeline[],
    private readonly host: SchedulerHost,
    private readonly clock: SchedulerClock = systemClock,
  ) {
    this.startedAt = clock.now();
  }

  start(): void {
    for (const pipeline of this.pipelines) this.arm(pipeline);
  }

  /** The next fire time of each pipeline (the earliest of its schedules, FULL first on a tie), for display. */
  nextRuns(): NextRun[] {
    const byName = new Map<string, NextRun>();
    for (const pipeline of this.pipelines) {
      const at = nextFireTimes(pipeline.schedule, this.clock.now(), 1, this.startedAt)[0];
      const known = byName.get(pipeline.name);
      const sooner =
        !known ||
        (at !== undefined &&
          (known.at === undefined ||
            at < known.at ||
            (at.getTime() === known.at.getTime() && pipeline.trainingMode !== 'UPDATE')));
      if (sooner)
        byName.set(pipeline.name, {
          name: pipeline.name,
          at,
          ...(pipeline.trainingMode ? { trainingMode: pipeline.trainingMode } : {}),
        });
    }
    return [...byName.values()];
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** Fires a pipeline now, as its schedule would. */
  fire(pipeline: ScheduledPipeline): void {
    if (this.controller.signal.aborted) return;
    if (this.running.has(pipeline.name)) {
      this.host.skipped(pipeline, 'the previous run of this pipeline is still in progress');
      return;
    }
    const run = this.host
      .run(pipeline, this.controller.signal)
      .catch((error: unknown) => this.host.onError?.(pipeline, error))
      .finally(() => this.running.delete(pipeline.name));
    this.running.set(pipeline.name, run);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    this.controller.abort();
    await Promise.allSettled([...this.running.values()]);
  }

  private arm(pipeline: ScheduledPipeline): void {
    const now = this.clock.now();
    const next = nextFireTimes(pipeline.schedule, now, 1, this.startedAt)[0];
    if (!next || this.controller.signal.aborted) return;
    const timer = this.clock.setTimeout(() => {
      if (this.clock.now() >= next && !this.givesWay(pipeline, next)) this.fire(pipeline);
      this.arm(pipeline);
    }, next.getTime() - now.getTime());
    this.timers.set(pipeline, timer);
  }

  /** An UPDATE fire due at the same time as another schedule of its pipeline (a FULL retrain). */
  private givesWay(pipeline: ScheduledPipeline, at: Date): boolean {
    if (pipeline.trainingMode !== 'UPDATE') return false;
    const justBefore = new Date(at.getTime() - 1);
    return this.pipelines.some(
      (other) =>
        other !== pipeline &&
        other.name === pipeline.name &&
        other.trainingMode !== 'UPDATE' &&
        nextFireTimes(other.schedule, justBefore, 1, this.startedAt)[0]?.getTime() === at.getTime(),
    );
  }
}
