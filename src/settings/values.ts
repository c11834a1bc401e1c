/**
 * Parsers for one setting value each. A value comes from JSON (already typed) or from the
 * environment (always a string); every parser accepts both and throws a message saying what
 * it accepts, which `load.ts` prefixes with the setting's name.
 */

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Longest duration accepted: an `exp` past this would not fit in a JavaScript Date. */
const MAX_DURATION = 100 * 365 * 86400;

/** Seconds, as an integer or a number with a unit: `300`, `5m`, `1d`; at most 100 years. */
export function parseDuration(value: unknown): number {
  let seconds: number | undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) seconds = value;
  if (typeof value === 'string') {
    const match = /^\s*(\d{1,9})\s*([smhd]?)\s*$/.exec(value);
    if (match) seconds = Number(match[1]) * (DURATION_UNITS[match[2] || 's'] ?? 1);
  }
  if (seconds !== undefined && seconds <= MAX_DURATION) return seconds;
  throw new Error(`${show(value)} is not a duration; use whole seconds (300) or a number with s, m, h or d (5m, 1d), at most 100 years`);
}

/** A duration, or `off` / `false` / `0` for none (0). */
export function parseDurationOrOff(value: unknown): number {
  if (value === false || (typeof value === 'string' && ['off', 'false', 'no', 'none'].includes(value.trim().toLowerCase()))) return 0;
  try {
    return parseDuration(value);
  } catch {
    throw new Error(`${show(value)} is not a duration; use whole seconds (300) or a number with s, m, h or d (5m, 10m), or off`);
  }
}

export function parseBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
  }
  throw new Error(`${show(value)} is not a boolean; use true or false`);
}

export function parsePort(value: unknown): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535) return n;
  throw new Error(`${show(value)} is not a port; use a whole number from 0 to 65535`);
}

export function parsePositiveInteger(value: unknown): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isSafeInteger(n) && n > 0) return n;
  throw new Error(`${show(value)} is not a positive whole number`);
}

/** A whole number, 0 included (0 usually meaning "no limit"). */
export function parseCount(value: unknown): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) return n;
  throw new Error(`${show(value)} is not a whole number; use 0 for no limit`);
}

export function parseString(value: unknown): string {
  if (typeof value === 'string') return value;
  throw new Error(`${show(value)} is not a string`);
}

export function parseNonEmptyString(value: unknown): string {
  const s = parseString(value).trim();
  if (s) return s;
  throw new Error('must not be empty');
}

/** `null`, or an empty string, turns the claim off (Simple JWT's `None`). */
export function parseOptionalString(value: unknown): string | null {
  if (value === null || value === '') return null;
  return parseString(value);
}

/** A JSON array of strings, or a comma-separated list from the environment. */
export function parseStringList(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (Array.isArray(list) && list.length > 0 && list.every((s) => typeof s === 'string' && /^[!-~]+$/.test(s))) {
    return list as string[];
  }
  throw new Error(`${show(value)} is not a list of words; use a comma-separated list such as Bearer,JWT`);
}

export function parseOneOf<T extends string>(choices: readonly T[]) {
  return (value: unknown): T => {
    if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
    throw new Error(`${show(value)} is not one of ${choices.join(', ')}`);
  };
}

/** A list drawn from `choices` (JSON array, or comma-separated from the environment). */
export function parseListOf<T extends string>(choices: readonly T[]) {
  return (value: unknown): T[] => {
    const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;
    if (Array.isArray(list) && list.every((s) => typeof s === 'string' && (choices as readonly string[]).includes(s))) {
      return [...new Set(list as T[])];
    }
    throw new Error(`${show(value)} is not a list drawn from ${choices.join(', ')}`);
  };
}

/** `http(s)://host[:port][/path]` without a trailing slash; empty means "derive from host and port". */
export function parsePublicUrl(value: unknown): string {
  const text = parseString(value).trim().replace(/\/+$/, '');
  if (text === '' || /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(text)) return text;
  throw new Error(`${show(value)} is not a base URL; use http(s)://host[:port][/path]`);
}

/** Where email goes: `console`, `file:FOLDER`, or an `smtp://` / `smtps://` URL. */
export function parseEmailUrl(value: unknown): string {
  const text = parseNonEmptyString(value);
  if (text === 'console' || /^file:.+/.test(text) || /^smtps?:\/\/[^\s]+$/.test(text)) return text;
  throw new Error(`${show(value)} is not an email backend; use console, file:FOLDER, smtp://user:pass@host:port or smtps://...`);
}

/** An `http(s)://` URL of a JWKS document, or empty for none. */
export function parseJwkUrl(value: unknown): string {
  const text = parseString(value).trim();
  if (text === '' || /^https?:\/\/[^\s/?#]+(\/[^\s#]*)?$/.test(text)) return text;
  throw new Error(`${show(value)} is not a JWKS URL; use https://host/.well-known/jwks.json, or leave it empty`);
}

/**
 * A shared secret sent as `Authorization: Bearer <secret>`: empty, or at least 32 characters of
 * RFC 6750's token alphabet. The message never repeats the value, which is a credential.
 */
export function parseBearerSecret(value: unknown): string {
  if (typeof value !== 'string') throw new Error('is not a string');
  const text = value.trim();
  if (text === '' || (text.length >= 32 && /^[A-Za-z0-9\-._~+/]+=*$/.test(text))) return text;
  throw new Error('must be empty or at least 32 characters of A-Z a-z 0-9 - . _ ~ + / (e.g. `openssl rand -base64 32`)');
}

/** `sqlite:PATH` (the embedded engine) or `postgres://` / `postgresql://`. */
export function parseDatabaseUrl(value: unknown): string {
  const url = parseNonEmptyString(value);
  if (/^sqlite:.+/.test(url) || /^postgres(ql)?:\/\/\S+$/.test(url)) return url;
  throw new Error(
    `${show(value)} is not a database URL tessera can open; use sqlite:PATH (for example sqlite:./data/tessera.sqlite3) or postgres://user:password@host:5432/database`,
  );
}

/** A duration of at least one second. */
export function parsePositiveDuration(value: unknown): number {
  const seconds = parseDuration(value);
  if (seconds > 0) return seconds;
  throw new Error(`${show(value)} must be longer than 0 seconds`);
}

/** `redis://` or `rediss://` URL, or empty for no Redis. */
export function parseRedisUrl(value: unknown): string {
  const text = parseString(value).trim();
  if (text === '' || /^rediss?:\/\/\S+$/.test(text)) return text;
  throw new Error(`${show(value)} is not a Redis URL; use redis://host:6379/0 (or rediss:// for TLS), or leave it empty`);
}

/** A header name such as `Authorization`; also takes Django's `HTTP_AUTHORIZATION` spelling. */
export function parseHeaderName(value: unknown): string {
  const raw = parseNonEmptyString(value);
  const name = raw.replace(/^HTTP_/, '').replace(/_/g, '-').toLowerCase();
  if (/^[a-z0-9-]+$/.test(name)) return name;
  throw new Error(`${show(value)} is not an HTTP header name`);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
