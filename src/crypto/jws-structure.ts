import { TokenBackendError } from './errors.js';

const SEGMENT = /^[A-Za-z0-9_-]+$/;
/**
 * Longer tokens are refused unread: tessera's own are well under 2 KB even with custom claims,
 * and Node refuses a request whose headers pass 16 KB anyway.
 */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * The strict shape of a compact JWS (RFC 7515 section 7.1), checked before any signature work so
 * a token has exactly one spelling: three non-empty segments of canonical base64url (no padding,
 * no `+` `/`, no whitespace, no stray bits in the last character), a header and a payload that
 * are JSON objects without duplicate member names (RFC 7515 section 4: parsers that keep the first
 * and the last disagree) or `__proto__` keys, and no header parameter we would have to understand
 * to verify correctly: `crit`, `b64` (RFC 7797) and a nested `cty: JWT` are refused, since tessera
 * implements none of them. Tokens over 16 KiB are refused. Throws `TokenBackendError` ("invalid").
 */
export function checkCompactJws(token: string): void {
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenBackendError();
  const segments = token.split('.');
  if (segments.length !== 3) throw new TokenBackendError();
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || Buffer.from(segment, 'base64url').toString('base64url') !== segment) {
      throw new TokenBackendError();
    }
  }
  const header = jsonObject(segments[0]!);
  jsonObject(segments[1]!);
  if ('crit' in header || 'b64' in header) throw new TokenBackendError();
  if (typeof header.cty === 'string' && header.cty.toUpperCase() === 'JWT') throw new TokenBackendError();
}

function jsonObject(segment: string): Record<string, unknown> {
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TokenBackendError();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || hasDuplicateOrUnsafeKeys(text)) {
    throw new TokenBackendError();
  }
  return value as Record<string, unknown>;
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
