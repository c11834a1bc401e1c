import type { Field } from './fields.js';

/**
 * DRF's `DateTimeField` with `USE_TZ = True` and `TIME_ZONE = 'UTC'` (Django's `startproject`):
 * ISO 8601 in, parsed as Django 3.2's `parse_datetime` parses it (a naive time is UTC, an offset
 * is converted), and out as DRF renders it: `2016-10-18T19:12:01Z`, with `.ffffff` only when
 * there are microseconds. The clean value is that rendering, which also sorts as time does.
 */
export function dateTimeField({ required = true }: { required?: boolean } = {}): Field<string> {
  return {
    required,
    schema: { type: 'string', format: 'date-time' },
    clean(value) {
      if (value === null) return { error: 'This field may not be null.' };
      if (typeof value !== 'string') return { error: DATETIME_MESSAGES.invalid };
      const parsed = parseDateTime(value);
      if (parsed === 'invalid') return { error: DATETIME_MESSAGES.invalid };
      if (parsed === 'overflow') return { error: DATETIME_MESSAGES.overflow };
      return { value: parsed };
    },
  };
}

export const DATETIME_MESSAGES = {
  invalid: 'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
  overflow: 'Datetime value out of range.',
} as const;

// Django 3.2's `datetime_re`; Python's `$` also matches before one final newline.
const DATETIME_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,6})\d{0,6})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\n?$/;

/** The UTC rendering of `text`, or why it is refused. */
export function parseDateTime(text: string): string | 'invalid' | 'overflow' {
  const match = DATETIME_RE.exec(text);
  if (!match) return 'invalid';
  const [, y, mo, d, h, mi, s = '0', micro = '', tz] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const microsecond = Number(micro.padEnd(6, '0'));
  // Python's datetime(): year 1-9999, a real day of that month, no leap second.
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return 'invalid';
  if (hour > 23 || minute > 59 || second > 59) return 'invalid';
  let offsetMinutes = 0;
  if (tz && tz !== 'Z') {
    offsetMinutes = 60 * Number(tz.slice(1, 3)) + (tz.length > 3 ? Number(tz.slice(-2)) : 0);
    if (tz[0] === '-') offsetMinutes = -offsetMinutes;
    // Python's fixed timezones must be strictly within a day.
    if (Math.abs(offsetMinutes) >= 24 * 60) return 'invalid';
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute - offsetMinutes, second, 0);
  const utcYear = utc.getUTCFullYear();
  if (utcYear < 1 || utcYear > 9999) return 'overflow';
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const date = `${pad(utcYear, 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}`;
  const time = `${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}`;
  return `${date}T${time}${microsecond ? `.${pad(microsecond, 6)}` : ''}Z`;
}

/** A stored instant as DRF's `DateTimeField` renders it: `2016-10-18T19:12:01Z`, `.ffffff` only when there are fractions. */
export function renderDateTime(date: Date): string {
  const iso = date.toISOString();
  const millis = date.getUTCMilliseconds();
  return `${iso.slice(0, 19)}${millis ? `.${String(millis * 1000).padStart(6, '0')}` : ''}Z`;
}

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}
