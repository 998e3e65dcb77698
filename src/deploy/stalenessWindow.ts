import { nextFireTimes, type Schedule } from '../config/schedule.js';

/** How the staleness alarm looks back: `evaluationPeriods` periods of `periodSeconds`, all without a success. */
export interface StalenessWindow {
  /** The longest time between two scheduled runs. */
  readonly gapSeconds: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  /** True when twice the gap is longer than CloudWatch can look back (7 days), so the window is 7 days. */
  readonly capped: boolean;
}

const HOUR = 3600;
const DAY = 24 * HOUR;
/** CloudWatch alarms look back at most 7 days, and at most 1 day with periods under an hour. */
const MAX_WINDOW = 7 * DAY;
/** A fixed start, so the same cron expression always synthesizes the same alarm. */
const CRON_SAMPLE_START = new Date(Date.UTC(2026, 0, 1));
const CRON_SAMPLES = 800;

/** The longest gap between consecutive fire times: the rate itself, or the widest gap of a cron over its next runs. */
export function longestGapSeconds(schedule: Schedule): number {
  if (schedule.kind === 'rate') return schedule.everySeconds;
  const times = nextFireTimes(schedule, CRON_SAMPLE_START, CRON_SAMPLES);
  let gap = 0;
  for (let i = 1; i < times.length; i++)
    gap = Math.max(gap, (times[i]!.getTime() - times[i - 1]!.getTime()) / 1000);
  return gap || MAX_WINDOW;
}

/**
 * The staleness alarm fires when no execution succeeded within twice the longest gap between
 * scheduled runs: one late or failed run is what the failure alarm reports, two in a row mean the
 * pipeline has stopped. Periods are 5 minutes for windows up to a day (CloudWatch's limit for short
 * periods), else hours; windows longer than 7 days are cut to 7 days, the most CloudWatch allows.
 */
export function stalenessWindow(schedule: Schedule): StalenessWindow {
  const gapSeconds = longestGapSeconds(schedule);
  const wanted = 2 * gapSeconds;
  const window = Math.min(wanted, MAX_WINDOW);
  const periodSeconds = window <= DAY ? 300 : HOUR;
  return {
    gapSeconds,
    periodSeconds,
    evaluationPeriods: Math.max(1, Math.ceil(window / periodSeconds)),
    capped: wanted > MAX_WINDOW,
  };
}
