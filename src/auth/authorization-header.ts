import type { RequestCredentials } from './authenticator.js';

/**
 * DRF's `get_authorization_header(request).split()`: the header's parts split on ASCII
 * whitespace, as Python splits bytes. Node gives header bytes as latin-1 characters, so each
 * character here stands for one byte of what the client sent.
 */
export function authorizationParts(request: RequestCredentials): string[] {
  const header = request.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') return [];
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
