import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScheduleError, nextFireTimes, parseSchedule } from '../../src/config/schedule.js';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

test('rate expressions follow EventBridge: a positive count, singular unit only with 1', () => {
  assert.deepEqual(parseSchedule('rate(7 days)'), {
    kind: 'rate',
    expression: 'rate(7 days)',
    everySeconds: 604_800,
  });
  assert.equal(parseSchedule('rate(1 hour)').kind, 'rate');
  assert.equal(parseSchedule('rate(30 minutes)').kind, 'rate');
  for (const bad of [
    'rate(1 days)',
    'rate(2 day)',
    'rate(0 days)',
    'rate(7 weeks)',
    'rate(days)',
    'every week',
  ]) {
    assert.throws(() => parseSchedule(bad), ScheduleError, bad);
  }
});

test('cron expressions need six fields and exactly one of day-of-month and day-of-week as ?', () => {
  assert.equal(parseSchedule('cron(0 3 ? * MON *)').kind, 'cron');
  assert.equal(parseSchedule('cron(15 10 1,15 * ? 2027)').kind, 'cron');
  assert.throws(() => parseSchedule('cron(0 3 * * *)'), /6/);
  assert.throws(() => parseSchedule('cron(0 3 * * MON *)'), /exactly one/);
  assert.throws(() => parseSchedule('cron(0 3 ? * ? *)'), /exactly one/);
  assert.throws(() => parseSchedule('cron(60 3 ? * MON *)'), /minutes '60' is out of range/);
  assert.throws(() => parseSchedule('cron(0 3 ? * FUNDAY *)'), /day-of-week/);
});

test('rates fire at fixed intervals from the scheduler start', () => {
  const start = new Date('2026-11-23T10:00:00Z');
  const schedule = parseSchedule('rate(12 hours)');
  assert.deepEqual(iso(nextFireTimes(schedule, new Date('2026-11-23T10:00:00Z'), 2, start)), [
    '2026-11-23T22:00:00.000Z',
    '2026-11-24T10:00:00.000Z',
  ]);
  assert.deepEqual(iso(nextFireTimes(schedule, new Date('2026-11-24T09:59:00Z'), 1, start)), [
    '2026-11-24T10:00:00.000Z',
  ]);
});

test('cron fire times are computed in UTC: names, ranges, steps and lists', () => {
  const after = new Date('2026-11-22T23:30:00Z'); // a Sunday
  assert.deepEqual(iso(nextFireTimes(parseSchedule('cron(0 3 ? * MON *)'), after, 2)), [
    '2026-11-23T03:00:00.000Z',
    '2026-11-30T03:00:00.000Z',
  ]);
  assert.deepEqual(iso(nextFireTimes(parseSchedule('cron(0/20 8-9 ? * MON-FRI *)'), after, 3)), [
    '2026-11-23T08:00:00.000Z',
    '2026-11-23T08:20:00.000Z',
    '2026-11-23T08:40:00.000Z',
  ]);
  assert.deepEqual(iso(nextFireTimes(parseSchedule('cron(30 6 1,15 JAN,FEB ? *)'), after, 2)), [
    '2027-01-01T06:30:00.000Z',
    '2027-01-15T06:30:00.000Z',
  ]);
});

test('cron L, W and # pick the last day, the nearest weekday and the nth weekday of the month', () => {
  const after = new Date('2026-11-01T00:00:00Z');
  assert.deepEqual(iso(nextFireTimes(parseSchedule('cron(0 0 L * ? *)'), after, 2)), [
    '2026-11-30T00:00:00.000Z',
    '2026-12-31T00:00:00.000Z',
  ]);
  // 2026-11-15 is a Sunday: the nearest weekday is Monday the 16th.
  assert.deepEqual(iso(nextFireTimes(parseSchedule('cron(0 0 15W * ? *)'), after, 1)), [
    '2026-11-16T00:00:00.000Z',
  ]);
  // The second Tuesday (day 3) of November 2026 is the 10th; the last Friday (6L) is the 27th.
  assert.deepEqual(iso(nextFireTimes(parseSchedule('cron(0 0 ? * 3#2 *)'), after, 1)), [
    '2026-11-10T00:00:00.000Z',
  ]);
  assert.deepEqual(iso(nextFireTimes(parseSchedule('cron(0 0 ? * 6L *)'), after, 1)), [
    '2026-11-27T00:00:00.000Z',
  ]);
});

test('a cron expression whose years have passed never fires again', () => {
  assert.deepEqual(
    nextFireTimes(parseSchedule('cron(0 0 1 1 ? 2020)'), new Date('2026-11-23T00:00:00Z')),
    [],
  );
});
