import { TokenBackendError } from './errors.js';

/**
 * Longer tokens are refused unread: tessera's own are well under 2 KB even with custom claims,
 * and Node refuses a request whose headers pass 16 KB anyway.
 */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** A compact JWS that passed `checkCompactJws`: its parts, each decoded once. */
export interface CompactJws {
  /** Shared between tokens with the same header segment: read only. */
  header: Readonly<Record<string, unknown>>;
  payload: Record<string, unknown>;
  /** `header.payload` as presented: what the signature signs. */
  signingInput: string;
  /** The signature segment, canonical base64url. */
  signature: string;
}

/** The whole token: three base64url segments and nothing else, in one pass. */
const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The strict shape of a compact JWS (RFC 7515 section 7.1), checked before any signature work so
 * a token has exactly one spelling: three non-empty segments of canonical base64url (no padding,
 * no `+` `/`, no whitespace, no stray bits in the last character), a header and a payload that
 * are JSON objects without duplicate member names (RFC 7515 section 4: parsers that keep the first
 * and the last disagree) or `__proto__` keys, and no header parameter we would have to understand
 * to verify correctly: `crit`, `b64` (RFC 7797) and a nested `cty: JWT` are refused, since tessera
 * implements none of them. Tokens over 16 KiB are refused. Throws `TokenBackendError` ("invalid").
 * Returns the decoded parts, so the token is parsed once (see `JwtCodec.decode`).
 */
export function checkCompactJws(token: string): CompactJws {
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT.test(token)) throw new TokenBackendError();
  const first = token.indexOf('.');
  const last = token.lastIndexOf('.');
  const headerSegment = token.slice(0, first);
  const payloadSegment = token.slice(first + 1, last);
  const signature = token.slice(last + 1);
  if (!isCanonical(headerSegment) || !isCanonical(payloadSegment) || !isCanonical(signature)) throw new TokenBackendError();
  const header = checkedHeader(headerSegment);
  const payload = jsonObject(payloadSegment);
  return { header, payload, signingInput: token.slice(0, last), signature };
}

/** Headers that passed, by segment: a server sees a handful of distinct ones (one per key). */
const checkedHeaders = new Map<string, Readonly<Record<string, unknown>>>();
const CHECKED_HEADERS_MAX = 64;

/** The header as a frozen object, checked once per distinct segment; throws like `checkCompactJws`. */
function checkedHeader(segment: string): Readonly<Record<string, unknown>> {
  const known = checkedHeaders.get(segment);
  if (known) return known;
  const header = jsonObject(segment);
  if ('crit' in header || 'b64' in header) throw new TokenBackendError();
  if (typeof header.cty === 'string' && header.cty.toUpperCase() === 'JWT') throw new TokenBackendError();
  // Only a header that passed is kept; forged ones cannot grow the map past its bound.
  if (checkedHeaders.size >= CHECKED_HEADERS_MAX) checkedHeaders.clear();
  checkedHeaders.set(segment, deepFreeze(header));
  return header;
}

/** The header of `token` when its header segment passed the check before, without parsing it again. */
export function knownHeader(token: string): Readonly<Record<string, unknown>> | undefined {
  const dot = token.indexOf('.');
  return dot > 0 ? checkedHeaders.get(token.slice(0, dot)) : undefined;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/** base64url values of `A-Z a-z 0-9 - _`, by character code (the alphabet was checked already). */
function sextet(code: number): number {
  if (code >= 97) return code - 71; // a-z: 26..51
  if (code === 95) return 63; // _
  if (code >= 65) return code - 65; // A-Z: 0..25
  if (code >= 48) return code - 48 + 52; // 0-9: 52..61
  return 62; // -
}

/**
 * Does this base64url segment (alphabet already checked) decode and re-encode to itself? A
 * length of 4n+1 cannot, and the unused low bits of the last character (4 of them at 4n+2, 2 at
 * 4n+3) must be zero: the same answer as a `Buffer` round trip, without allocating.
 */
function isCanonical(segment: string): boolean {
  const rest = segment.length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const bits = sextet(segment.charCodeAt(segment.length - 1));
  return (bits & (rest === 2 ? 0b1111 : 0b11)) === 0;
}

function jsonObject(segment: string): Record<string, unknown> {
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TokenBackendError();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !hasUniqueSafeKeys(text, value)) {
    throw new TokenBackendError();
  }
  return value as Record<string, unknown>;
}

/**
 * `hasDuplicateOrUnsafeKeys`, negated, with a fast path: text that is exactly what
 * `JSON.stringify` writes for the value it parsed to has each member once (a repeated name would
 * be written once). Compact JSON, as fast-jwt and PyJWT write it, takes this path unless it
 * mentions `"__proto__"` anywhere; anything else gets the full scan.
 */
function hasUniqueSafeKeys(text: string, value: unknown): boolean {
  if (!text.includes('"__proto__"') && JSON.stringify(value) === text) return true;
  return !hasDuplicateOrUnsafeKeys(text);
}

/** In text `JSON.parse` accepted: does any object repeat a member name, or have a `__proto__` one? */
export function hasDuplicateOrUnsafeKeys(text: string): boolean {
  const stack: ({ keys: Set<string>; expectKey: boolean } | null)[] = [];
  const string = /"(?:[^"\\]|\\.)*"/y;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      string.lastIndex = i;
      const literal = string.exec(text)?.[0] ?? '""';
      const top = stack[stack.length - 1];
      if (top?.expectKey) {
        const key = JSON.parse(literal) as string;
        if (key === '__proto__' || top.keys.has(key)) return true;
        top.keys.add(key);
        top.expectKey = false;
      }
      i += literal.length - 1;
    } else if (c === '{') {
      stack.push({ keys: new Set(), expectKey: true });
    } else if (c === '[') {
      stack.push(null);
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top) top.expectKey = true;
    }
  }
  return false;
}
