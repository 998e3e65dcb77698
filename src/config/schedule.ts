/**
 * EventBridge schedule expressions, as `RetrainingRate` takes them: `rate(value unit)` and the
 * six-field `cron(minutes hours day-of-month month day-of-week year)`, evaluated in UTC.
 */
export type Schedule =
  | { readonly kind: 'rate'; readonly expression: string; readonly everySeconds: number }
  | { readonly kind: 'cron'; readonly expression: string; readonly fields: CronFields };

export interface CronFields {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly dayOfMonth: DayOfMonthRule;
  readonly months: ReadonlySet<number>;
  readonly dayOfWeek: DayOfWeekRule;
  readonly years: ReadonlySet<number> | 'any';
}

type DayOfMonthRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'days'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last' }
  | { readonly kind: 'nearest-weekday'; readonly day: number };

type DayOfWeekRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'days'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last'; readonly day: number }
  | { readonly kind: 'nth'; readonly day: number; readonly nth: number };

/** A schedule expression that does not parse; the message says what to write instead. */
export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** EventBridge numbers days of the week from 1 (Sunday) to 7 (Saturday). */
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export const RATE_HELP = 'use rate(1 day), rate(7 days), rate(12 hours) or rate(30 minutes)';
export const CRON_HELP =
  'use cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 3 ? * MON *) for Mondays at 03:00 UTC';

export function parseSchedule(expression: string): Schedule {
  const text = expression.trim();
  const rate = /^rate\((.*)\)$/.exec(text);
  if (rate) return parseRate(text, rate[1] ?? '');
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) return { kind: 'cron', expression: text, fields: parseCron(cron[1] ?? '') };
  throw new ScheduleError(`'${text}' is neither rate(…) nor cron(…): ${RATE_HELP}, or ${CRON_HELP}.`);
}

function parseRate(expression: string, body: string): Schedule {
  const match = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(body);
  if (!match) throw new ScheduleError(`'${expression}' is not a valid rate: ${RATE_HELP}.`);
  const value = Number(match[1]);
  const unit = match[2] ?? '';
  if (value < 1) throw new ScheduleError(`'${expression}': the value must be a positive whole number.`);
  const singular = !unit.endsWith('s');
  if (value === 1 && !singular)
    throw new ScheduleError(
      `'${expression}': with 1, write the unit singular: rate(1 ${unit.slice(0, -1)}).`,
    );
  if (value > 1 && singular)
    throw new ScheduleError(
      `'${expression}': with ${value}, write the unit plural: rate(${value} ${unit}s).`,
    );
  return {
    kind: 'rate',
    expression,
    everySeconds: value * (UNIT_SECONDS[singular ? unit : unit.slice(0, -1)] ?? 0),
  };
}

function parseCron(body: string): CronFields {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new ScheduleError(`cron(${body}) has ${parts.length} fields, EventBridge needs 6: ${CRON_HELP}.`);
  }
  const [minutes = '', hours = '', dom = '', month = '', dow = '', year = ''] = parts;
  if ((dom === '?') === (dow === '?')) {
    throw new ScheduleError(
      `cron(${body}): exactly one of day-of-month and day-of-week must be '?' (EventBridge cannot use both), e.g. cron(0 3 ? * MON *).`,
    );
  }
  return {
    minutes: parseField(minutes, 'minutes', 0, 59),
    hours: parseField(hours, 'hours', 0, 23),
    dayOfMonth: parseDayOfMonth(dom),
    months: parseField(month, 'month', 1, 12, MONTHS),
    dayOfWeek: parseDayOfWeek(dow),
    years: year === '*' ? 'any' : parseField(year, 'year', 1970, 2199),
  };
}

function parseDayOfMonth(text: string): DayOfMonthRule {
  if (text === '?' || text === '*') return { kind: 'any' };
  if (text === 'L') return { kind: 'last' };
  const weekday = /^(\d{1,2})W$/.exec(text);
  if (weekday) {
    const day = Number(weekday[1]);
    if (day < 1 || day > 31)
      throw new ScheduleError(`day-of-month '${text}': W takes a day from 1 to 31, e.g. 15W.`);
    return { kind: 'nearest-weekday', day };
  }
  return { kind: 'days', days: parseField(text, 'day-of-month', 1, 31) };
}

function parseDayOfWeek(text: string): DayOfWeekRule {
  if (text === '?' || text === '*') return { kind: 'any' };
  // A lone L is the last day of the week: Saturday (7).
  if (text === 'L') return { kind: 'days', days: new Set([7]) };
  const last = /^([1-7]|[A-Z]{3})L$/.exec(text);
  if (last) return { kind: 'last', day: parseValue(last[1] ?? '', 'day-of-week', 1, 7, WEEKDAYS) };
  const nth = /^([1-7]|[A-Z]{3})#([1-5])$/.exec(text);
  if (nth)
    return { kind: 'nth', day: parseValue(nth[1] ?? '', 'day-of-week', 1, 7, WEEKDAYS), nth: Number(nth[2]) };
  return { kind: 'days', days: parseField(text, 'day-of-week', 1, 7, WEEKDAYS) };
}

function parseValue(
  text: string,
  field: string,
  min: number,
  max: number,
  names?: readonly string[],
): number {
  const byName = names?.indexOf(text.toUpperCase()) ?? -1;
  const value = byName >= 0 ? byName + 1 : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    const named = names ? ` or ${names[0]}-${names[names.length - 1]}` : '';
    throw new ScheduleError(`${field} '${text}' is out of range: use ${min}-${max}${named}.`);
  }
  return value;
}

/** `*`, values, ranges `a-b`, steps `a/n` or `*\/n` and lists `a,b,c`, as EventBridge allows. */
function parseField(
  text: string,
  field: string,
  min: number,
  max: number,
  names?: readonly string[],
): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new ScheduleError(`${field} '${part}': the step after / must be a positive whole number.`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      from = parseValue(a, field, min, max, names);
      to = parseValue(b, field, min, max, names);
      if (to < from)
        throw new ScheduleError(`${field} '${part}': a range runs from low to high, e.g. ${min}-${max}.`);
    } else {
      from = parseValue(range, field, min, max, names);
      to = stepText === undefined ? from : max;
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

/** The next `count` fire times strictly after `after`, in UTC. Rates count from `anchor` (the start). */
export function nextFireTimes(schedule: Schedule, after: Date, count = 1, anchor: Date = after): Date[] {
  if (schedule.kind === 'rate') {
    const step = schedule.everySeconds * 1000;
    const elapsed = after.getTime() - anchor.getTime();
    const first = anchor.getTime() + (Math.floor(elapsed / step) + 1) * step;
    return Array.from({ length: count }, (_, n) => new Date(first + n * step));
  }
  const times: Date[] = [];
  const cursor = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  // Ten years of minutes bounds the search for expressions that match rarely (or never again).
  const limit = cursor.getTime() + 10 * 366 * 86_400_000;
  while (times.length < count && cursor.getTime() < limit) {
    if (matchesCron(schedule.fields, cursor)) times.push(new Date(cursor));
    cursor.setTime(cursor.getTime() + 60_000);
  }
  return times;
}

function matchesCron(fields: CronFields, at: Date): boolean {
  if (fields.years !== 'any' && !fields.years.has(at.getUTCFullYear())) return false;
  if (!fields.months.has(at.getUTCMonth() + 1)) return false;
  if (!fields.hours.has(at.getUTCHours()) || !fields.minutes.has(at.getUTCMinutes())) return false;
  return matchesDayOfMonth(fields.dayOfMonth, at) && matchesDayOfWeek(fields.dayOfWeek, at);
}

function daysInMonth(at: Date): number {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 0)).getUTCDate();
}

function matchesDayOfMonth(rule: DayOfMonthRule, at: Date): boolean {
  const day = at.getUTCDate();
  switch (rule.kind) {
    case 'any':
      return true;
    case 'days':
      return rule.days.has(day);
    case 'last':
      return day === daysInMonth(at);
    case 'nearest-weekday': {
      const target = Math.min(rule.day, daysInMonth(at));
      const weekday = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), target)).getUTCDay();
      let nearest = target;
      if (weekday === 6) nearest = target === 1 ? 3 : target - 1;
      if (weekday === 0) nearest = target === daysInMonth(at) ? target - 2 : target + 1;
      return day === nearest;
    }
  }
}

function matchesDayOfWeek(rule: DayOfWeekRule, at: Date): boolean {
  const weekday = at.getUTCDay() + 1;
  switch (rule.kind) {
    case 'any':
      return true;
    case 'days':
      return rule.days.has(weekday);
    case 'last':
      return weekday === rule.day && at.getUTCDate() + 7 > daysInMonth(at);
    case 'nth':
      return weekday === rule.day && Math.ceil(at.getUTCDate() / 7) === rule.nth;
  }
}
