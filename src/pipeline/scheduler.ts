import { nextFireTimes, type Schedule } from '../config/schedule.js';

export interface ScheduledPipeline {
  readonly name: string;
  readonly schedule: Schedule;
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
 * Fires each pipeline on its RetrainingRate (UTC; rates count from the scheduler's start). A pipeline
 * never runs twice at once: a fire while it runs is recorded as skipped. Different pipelines run in
 * parallel. `stop()` cancels the timers and aborts running runs, then waits for them to record it.
 */
export class RetrainingScheduler {
  private readonly timers = new Map<string, { cancel(): void }>();
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

  /** The next fire time of each pipeline, for display. */
  nextRuns(): { name: string; at: Date | undefined }[] {
    return this.pipelines.map((pipeline) => ({
      name: pipeline.name,
      at: nextFireTimes(pipeline.schedule, this.clock.now(), 1, this.startedAt)[0],
    }));
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
      if (this.clock.now() >= next) this.fire(pipeline);
      this.arm(pipeline);
    }, next.getTime() - now.getTime());
    this.timers.set(pipeline.name, timer);
  }
}
