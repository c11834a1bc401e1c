import type { RequestCredentials } from './authenticator.js';

/**
 * DRF's `get_authorization_header(request).split()`: the header's parts split on ASCII
 * whitespace, as Python splits bytes. Node gives header bytes as latin-1 characters, so each
 * character here stands for one byte of what the client sent.
 */
export function authorizationParts(request: RequestCredentials): string[] {
  const header = request.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' ? headerParts(value) : [];
}

/**
 * A header value split as Python's `bytes.split()` splits it: on ASCII whitespace only, so a
 * no-break space (byte 0xA0) or U+0085 stays inside a part, as in DRF and Simple JWT. Every
 * authentication class splits with this one function (JavaScript's `\s` would split on them too).
 */
export function headerParts(value: string): string[] {
  return value.split(/[ \t\n\r\v\f]+/).filter((part) => part !== '');
}

/** The scheme matches `keyword` case-insensitively, as DRF's `auth[0].lower() != b'basic'`. */
export function usesScheme(parts: readonly string[], keyword: string): boolean {
  return parts.length > 0 && parts[0]!.toLowerCase() === keyword.toLowerCase();
}

/** A header's latin-1 characters back to bytes, decoded as strict UTF-8; null when not UTF-8. */
export function decodeUtf8(latin1: string): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(latin1, 'latin1'));
  } catch {
    return null;
  }
}
