import { DjangoImportError } from './errors.js';

// Django's SQLite text ('2024-03-04 05:06:07.891234', UTC under USE_TZ) and PostgreSQL's
// timestamptz text ('2024-03-04 05:06:07.891234+00'); a 'T' separator and 'Z' are accepted too.
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/**
 * A Django datetime as tessera stores dates: `Date.toISOString()` form, UTC, milliseconds. A value
 * without an offset is UTC (Django's SQLite backend with USE_TZ). Microseconds are truncated, so
 * tessera's dates keep one format and sort as text.
 */
export function djangoDateToIso(value: unknown, where: string): string {
  if (value instanceof Date) return value.toISOString();
  const match = typeof value === 'string' ? DATETIME.exec(value.trim()) : null;
  if (!match) throw new DjangoImportError(`${where}: ${JSON.stringify(value)} is not a date and time Django writes`);
  const [, y, mo, d, h, mi, s, fraction = '', zone, sign, oh = '0', om = '0'] = match;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  let at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  if (zone && zone !== 'Z') at -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) throw new DjangoImportError(`${where}: ${JSON.stringify(value)} is not a valid date`);
  return date.toISOString();
}

/** `djangoDateToIso` for a nullable column. */
export function optionalDjangoDateToIso(value: unknown, where: string): string | null {
  return value === null || value === undefined ? null : djangoDateToIso(value, where);
}
