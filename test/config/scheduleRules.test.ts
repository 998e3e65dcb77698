import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePipelineConfig } from '../../src/config/pipelineConfig.js';
import { ScheduleError, nextFireTimes, parseSchedule } from '../../src/config/schedule.js';
import { FULL_PARAMETERS, parametersText } from '../support/pipelineConfigs.js';

// Expected times below were worked out on a calendar, not with this code: 2026-11-23 is a Monday.
const fires = (expression: string, after: string, count: number, anchor?: string) =>
  nextFireTimes(
    parseSchedule(expression),
    new Date(after),
    count,
    anchor === undefined ? undefined : new Date(anchor),
  ).map((date) => date.toISOString().replace(':00.000Z', 'Z'));

test('each rate unit has its length in seconds, singular with 1 and plural above', () => {
  const seconds = (expression: string) => {
    const schedule = parseSchedule(expression);
    return schedule.kind === 'rate' ? schedule.everySeconds : NaN;
  };
  assert.equal(seconds('rate(1 minute)'), 60);
  assert.equal(seconds('rate(90 minutes)'), 5_400);
  assert.equal(seconds('rate(1 hour)'), 3_600);
  assert.equal(seconds('rate(1 day)'), 86_400);
  assert.equal(seconds('rate(14 days)'), 1_209_600);
  for (const bad of ['rate(1 minutes)', 'rate(5 hour)', 'rate(1.5 hours)', 'rate(-1 day)', 'RATE(7 days)'])
    assert.throws(() => parseSchedule(bad), ScheduleError, bad);
});

test('a rate counts from its anchor (the scheduler start), strictly after the given time', () => {
  // 2026-01-01 + 47 weeks = 2026-11-26 (329 days), the first multiple after 2026-11-23.
  assert.deepEqual(fires('rate(7 days)', '2026-11-23T00:00:00Z', 2, '2026-01-01T00:00:00Z'), [
    '2026-11-26T00:00Z',
    '2026-12-03T00:00Z',
  ]);
  assert.deepEqual(fires('rate(30 minutes)', '2026-11-23T10:30:00Z', 2, '2026-11-23T09:00:00Z'), [
    '2026-11-23T11:00Z',
    '2026-11-23T11:30Z',
  ]);
  assert.deepEqual(fires('rate(1 hour)', '2026-11-23T10:00:00Z', 1), ['2026-11-23T11:00Z']);
});

test('cron days of the week run 1 (SUN) to 7 (SAT); a lone L is Saturday', () => {
  assert.deepEqual(fires('cron(0 12 ? * 1 *)', '2026-11-23T00:00:00Z', 1), ['2026-11-29T12:00Z']);
  assert.deepEqual(fires('cron(0 12 ? * SUN *)', '2026-11-23T00:00:00Z', 1), ['2026-11-29T12:00Z']);
  assert.deepEqual(fires('cron(0 12 ? * L *)', '2026-11-23T00:00:00Z', 1), ['2026-11-28T12:00Z']);
  assert.deepEqual(fires('cron(0 12 ? * 2-3 *)', '2026-11-23T13:00:00Z', 2), [
    '2026-11-24T12:00Z',
    '2026-11-30T12:00Z',
  ]);
});

test('cron steps within a range, and year ranges that end', () => {
  assert.deepEqual(fires('cron(10-40/15 6 ? * MON *)', '2026-11-23T00:00:00Z', 4), [
    '2026-11-23T06:10Z',
    '2026-11-23T06:25Z',
    '2026-11-23T06:40Z',
    '2026-11-30T06:10Z',
  ]);
  assert.deepEqual(fires('cron(0 0/8 23 NOV ? *)', '2026-11-23T00:00:00Z', 3), [
    '2026-11-23T08:00Z',
    '2026-11-23T16:00Z',
    '2027-11-23T00:00Z',
  ]);
  assert.deepEqual(fires('cron(0 0 1 1 ? 2027-2028)', '2026-11-23T00:00:00Z', 3), [
    '2027-01-01T00:00Z',
    '2028-01-01T00:00Z',
  ]);
});

test('a fire time equal to the given time is not "next"', () => {
  assert.deepEqual(fires('cron(0 3 ? * MON *)', '2026-11-23T03:00:00Z', 1), ['2026-11-30T03:00Z']);
  assert.deepEqual(fires('rate(1 day)', '2026-11-24T00:00:00Z', 1, '2026-11-23T00:00:00Z'), [
    '2026-11-25T00:00Z',
  ]);
});

test('days a month lacks are skipped: the 31st, and 29 February waits for a leap year', () => {
  assert.deepEqual(fires('cron(0 0 31 * ? *)', '2026-11-01T00:00:00Z', 3), [
    '2026-12-31T00:00Z',
    '2027-01-31T00:00Z',
    '2027-03-31T00:00Z',
  ]);
  assert.deepEqual(fires('cron(0 0 29 2 ? *)', '2026-11-23T00:00:00Z', 1), ['2028-02-29T00:00Z']);
});

test('W never leaves the month: 1W on a Saturday is Monday the 3rd, 31W on a Sunday is Friday the 29th', () => {
  // 1 May 2027 is a Saturday; 31 October 2027 is a Sunday.
  assert.deepEqual(fires('cron(0 9 1W 5 ? 2027)', '2026-11-23T00:00:00Z', 1), ['2027-05-03T09:00Z']);
  assert.deepEqual(fires('cron(0 9 31W 10 ? 2027)', '2026-11-23T00:00:00Z', 1), ['2027-10-29T09:00Z']);
});

test('# picks the nth weekday and skips months that have no such day', () => {
  // No fifth Friday in November or December 2026; January 2027 has one (the 29th), then April (30th).
  assert.deepEqual(fires('cron(0 18 ? * FRI#5 *)', '2026-11-23T00:00:00Z', 2), [
    '2027-01-29T18:00Z',
    '2027-04-30T18:00Z',
  ]);
});

test('each field out of range or malformed is refused with what to write instead', () => {
  const cases: [string, RegExp][] = [
    ['cron(0 25 ? * MON *)', /hours '25' is out of range: use 0-23/],
    ['cron(0 3 32 * ? *)', /day-of-month '32' is out of range/],
    ['cron(0 3 ? 13 MON *)', /month '13' is out of range: use 1-12 or JAN-DEC/],
    ['cron(0 3 ? * MON 1969)', /year '1969' is out of range/],
    ['cron(0 5-3 ? * MON *)', /a range runs from low to high/],
    ['cron(*/0 3 ? * MON *)', /step after \/ must be a positive whole number/],
    ['cron(0 3 0W * ? *)', /W takes a day from 1 to 31/],
    ['cron(0 3 ? * MON#6 *)', /day-of-week 'MON#6' is out of range/],
    ['cron(0 3 * * ? * *)', /has 7 fields, EventBridge needs 6/],
    ['weekly', /neither rate\(…\) nor cron\(…\)/],
  ];
  for (const [expression, message] of cases)
    assert.throws(() => parseSchedule(expression), message, expression);
});

test('a bad RetrainingRate is a config issue on its line with an example to copy', () => {
  const text = `${parametersText(FULL_PARAMETERS)}\nRetrainingRate=cron(0 3 * * MON *)`;
  const result = parsePipelineConfig(text, 'p.cfg');
  assert.ok(result.issues);
  assert.equal(result.issues.length, 1);
  assert.equal(result.issues[0]?.key, 'RetrainingRate');
  assert.equal(result.issues[0]?.line, Object.keys(FULL_PARAMETERS).length + 1);
  assert.match(result.issues[0]?.message ?? '', /exactly one of day-of-month and day-of-week must be '\?'/);
  assert.equal(result.issues[0]?.fix, 'e.g. RetrainingRate=rate(7 days).');
});
