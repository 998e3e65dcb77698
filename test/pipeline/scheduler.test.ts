import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSchedule } from '../../src/config/schedule.js';
import {
  RetrainingScheduler,
  type ScheduledPipeline,
  type SchedulerClock,
  type SchedulerHost,
} from '../../src/pipeline/scheduler.js';

/** A clock whose time moves only when the test says so; due timers run at their own time, in order. */
class FakeClock implements SchedulerClock {
  private time: number;
  private timers: { at: number; callback: () => void; cancelled: boolean }[] = [];

  constructor(start: string) {
    this.time = Date.parse(start);
  }

  now(): Date {
    return new Date(this.time);
  }

  setTimeout(callback: () => void, ms: number): { cancel(): void } {
    const timer = { at: this.time + ms, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  /** Timers still armed. */
  get pending(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  async advanceTo(iso: string): Promise<void> {
    const target = Date.parse(iso);
    for (;;) {
      this.timers = this.timers.filter((timer) => !timer.cancelled);
      const due = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.time = due.at;
      due.callback();
      await settle();
    }
    this.time = target;
  }
}

/** Lets the promise callbacks that a fire started run to completion. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve = () => undefined as void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A host that records every start (with the fake time) and skip; runs end when the test says so. */
class RecordingHost implements SchedulerHost {
  readonly started: { name: string; at: string; signal: AbortSignal; mode?: string }[] = [];
  readonly skips: { name: string; at: string; reason: string }[] = [];
  readonly errors: { name: string; error: unknown }[] = [];
  private readonly ends = new Map<string, Deferred>();

  constructor(
    private readonly clock: FakeClock,
    private readonly finishAtOnce = true,
  ) {}

  async run(pipeline: ScheduledPipeline, signal: AbortSignal): Promise<void> {
    this.started.push({
      name: pipeline.name,
      at: this.clock.now().toISOString(),
      signal,
      ...(pipeline.trainingMode ? { mode: pipeline.trainingMode } : {}),
    });
    if (this.finishAtOnce) return;
    const end = deferred();
    this.ends.set(pipeline.name, end);
    await end.promise;
  }

  skipped(pipeline: ScheduledPipeline, reason: string): void {
    this.skips.push({ name: pipeline.name, at: this.clock.now().toISOString(), reason });
  }

  onError(pipeline: ScheduledPipeline, error: unknown): void {
    this.errors.push({ name: pipeline.name, error });
  }

  finish(name: string): void {
    this.ends.get(name)?.resolve();
  }

  startsOf(name: string): string[] {
    return this.started.filter((start) => start.name === name).map((start) => start.at);
  }
}

const pipeline = (name: string, expression: string): ScheduledPipeline => ({
  name,
  schedule: parseSchedule(expression),
});

test('a rate fires every period counted from the moment the scheduler started', async () => {
  const clock = new FakeClock('2026-03-01T10:15:00.000Z');
  const host = new RecordingHost(clock);
  const scheduler = new RetrainingScheduler([pipeline('shop', 'rate(6 hours)')], host, clock);
  scheduler.start();
  assert.deepEqual(
    scheduler.nextRuns().map(({ name, at }) => [name, at?.toISOString()]),
    [['shop', '2026-03-01T16:15:00.000Z']],
  );

  await clock.advanceTo('2026-03-02T11:00:00.000Z');

  assert.deepEqual(host.startsOf('shop'), [
    '2026-03-01T16:15:00.000Z',
    '2026-03-01T22:15:00.000Z',
    '2026-03-02T04:15:00.000Z',
    '2026-03-02T10:15:00.000Z',
  ]);
  assert.deepEqual(host.skips, []);
  await scheduler.stop();
});

test('a cron expression fires at its minutes in UTC, day after day', async () => {
  const clock = new FakeClock('2026-03-28T12:00:00.000Z');
  const host = new RecordingHost(clock);
  const scheduler = new RetrainingScheduler(
    [pipeline('nightly', 'cron(30 2 * * ? *)'), pipeline('mondays', 'cron(0 9 ? * MON *)')],
    host,
    clock,
  );
  scheduler.start();

  await clock.advanceTo('2026-04-01T00:00:00.000Z');

  assert.deepEqual(host.startsOf('nightly'), [
    '2026-03-29T02:30:00.000Z',
    '2026-03-30T02:30:00.000Z',
    '2026-03-31T02:30:00.000Z',
  ]);
  // 2026-03-30 is a Monday.
  assert.deepEqual(host.startsOf('mondays'), ['2026-03-30T09:00:00.000Z']);
  await scheduler.stop();
});

test('a fire while the previous run of the pipeline is still going is reported skipped, not started', async () => {
  const clock = new FakeClock('2026-05-01T00:00:00.000Z');
  const host = new RecordingHost(clock, false);
  const scheduler = new RetrainingScheduler([pipeline('shop', 'rate(1 hour)')], host, clock);
  scheduler.start();

  await clock.advanceTo('2026-05-01T02:30:00.000Z');
  assert.deepEqual(host.startsOf('shop'), ['2026-05-01T01:00:00.000Z']);
  assert.deepEqual(host.skips, [
    {
      name: 'shop',
      at: '2026-05-01T02:00:00.000Z',
      reason: 'the previous run of this pipeline is still in progress',
    },
  ]);
  assert.equal(scheduler.isRunning('shop'), true);

  host.finish('shop');
  await settle();
  assert.equal(scheduler.isRunning('shop'), false);
  await clock.advanceTo('2026-05-01T03:00:00.000Z');
  assert.deepEqual(host.startsOf('shop'), ['2026-05-01T01:00:00.000Z', '2026-05-01T03:00:00.000Z']);
  host.finish('shop');
  await scheduler.stop();
});

test('two pipelines due at the same time run in parallel', async () => {
  const clock = new FakeClock('2026-05-01T00:00:00.000Z');
  const host = new RecordingHost(clock, false);
  const scheduler = new RetrainingScheduler(
    [pipeline('shop-eu', 'rate(1 hour)'), pipeline('shop-us', 'rate(1 hour)')],
    host,
    clock,
  );
  scheduler.start();

  await clock.advanceTo('2026-05-01T01:00:00.000Z');

  assert.deepEqual(
    host.started.map((start) => [start.name, start.at]),
    [
      ['shop-eu', '2026-05-01T01:00:00.000Z'],
      ['shop-us', '2026-05-01T01:00:00.000Z'],
    ],
  );
  assert.equal(scheduler.isRunning('shop-eu') && scheduler.isRunning('shop-us'), true);
  assert.deepEqual(host.skips, []);
  host.finish('shop-eu');
  host.finish('shop-us');
  await scheduler.stop();
});

test('stop() aborts the runs in progress, waits until they have recorded it, and fires nothing more', async () => {
  const clock = new FakeClock('2026-05-01T00:00:00.000Z');
  const recorded: string[] = [];
  const scheduler = new RetrainingScheduler(
    [pipeline('shop-eu', 'rate(1 hour)'), pipeline('shop-us', 'rate(1 hour)')],
    {
      async run(scheduled, signal) {
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        // Recording the abort takes a moment (a database write, in the real host).
        await settle();
        recorded.push(`${scheduled.name} ABORTED`);
      },
      skipped: () => assert.fail('nothing should be skipped'),
    },
    clock,
  );
  scheduler.start();
  await clock.advanceTo('2026-05-01T01:00:00.000Z');
  assert.equal(scheduler.isRunning('shop-eu') && scheduler.isRunning('shop-us'), true);

  await scheduler.stop();

  assert.deepEqual(recorded.sort(), ['shop-eu ABORTED', 'shop-us ABORTED']);
  assert.equal(scheduler.isRunning('shop-eu') || scheduler.isRunning('shop-us'), false);
  assert.equal(clock.pending, 0, 'no timer is left armed');
  scheduler.fire(pipeline('shop-eu', 'rate(1 hour)'));
  assert.equal(scheduler.isRunning('shop-eu'), false);
});

test('a run that fails is reported and the pipeline still fires at its next time', async () => {
  const clock = new FakeClock('2026-05-01T00:00:00.000Z');
  let calls = 0;
  const errors: unknown[] = [];
  const scheduler = new RetrainingScheduler(
    [pipeline('shop', 'rate(1 hour)')],
    {
      async run() {
        calls += 1;
        await settle();
        throw new Error(`run ${calls} could not reach the endpoint`);
      },
      skipped: () => assert.fail('nothing should be skipped'),
      onError: (_, error) => errors.push(error),
    },
    clock,
  );
  scheduler.start();

  await clock.advanceTo('2026-05-01T02:00:00.000Z');

  assert.equal(calls, 2);
  assert.deepEqual(
    errors.map((error) => (error as Error).message),
    ['run 1 could not reach the endpoint', 'run 2 could not reach the endpoint'],
  );
  await scheduler.stop();
});

test('two cadences: UPDATE runs between the FULL retrains, and an UPDATE due with a FULL gives way to it', async () => {
  const clock = new FakeClock('2026-03-01T00:00:00.000Z');
  const host = new RecordingHost(clock);
  const scheduler = new RetrainingScheduler(
    [
      { ...pipeline('shop', 'rate(1 day)'), trainingMode: 'FULL' },
      { ...pipeline('shop', 'rate(6 hours)'), trainingMode: 'UPDATE' },
    ],
    host,
    clock,
  );
  scheduler.start();
  assert.deepEqual(scheduler.nextRuns(), [
    { name: 'shop', at: new Date('2026-03-01T06:00:00.000Z'), trainingMode: 'UPDATE' },
  ]);

  await clock.advanceTo('2026-03-01T18:00:00.000Z');
  assert.deepEqual(scheduler.nextRuns(), [
    { name: 'shop', at: new Date('2026-03-02T00:00:00.000Z'), trainingMode: 'FULL' },
  ]);
  await clock.advanceTo('2026-03-02T07:00:00.000Z');

  assert.deepEqual(
    host.started.map(({ at, mode }) => [at, mode]),
    [
      ['2026-03-01T06:00:00.000Z', 'UPDATE'],
      ['2026-03-01T12:00:00.000Z', 'UPDATE'],
      ['2026-03-01T18:00:00.000Z', 'UPDATE'],
      ['2026-03-02T00:00:00.000Z', 'FULL'],
      ['2026-03-02T06:00:00.000Z', 'UPDATE'],
    ],
  );
  assert.deepEqual(host.skips, [], 'the UPDATE due at midnight gave way without a SKIPPED record');
  await scheduler.stop();
});

test('a FULL retrain due while an UPDATE of the same pipeline runs is recorded skipped, as any overlapping fire', async () => {
  const clock = new FakeClock('2026-03-01T00:00:00.000Z');
  const host = new RecordingHost(clock, false);
  const scheduler = new RetrainingScheduler(
    [
      { ...pipeline('shop', 'cron(0 12 * * ? *)'), trainingMode: 'FULL' },
      { ...pipeline('shop', 'cron(0 11 * * ? *)'), trainingMode: 'UPDATE' },
    ],
    host,
    clock,
  );
  scheduler.start();
  await clock.advanceTo('2026-03-01T12:30:00.000Z');
  assert.deepEqual(
    host.started.map(({ at, mode }) => [at, mode]),
    [['2026-03-01T11:00:00.000Z', 'UPDATE']],
  );
  assert.deepEqual(
    host.skips.map(({ at }) => at),
    ['2026-03-01T12:00:00.000Z'],
  );
  host.finish('shop');
  await scheduler.stop();
});
