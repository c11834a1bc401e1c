import type { RequestCredentials } from './authenticator.js';

/**
 * Django's `parse_cookie`: `;`-separated `name=value` pairs, whitespace trimmed, a later duplicate
 * winning. Parsed here rather than by @fastify/cookie because authenticators read only the
 * framework-neutral headers, and tessera's own cookies hold only letters and digits.
 */
export function parseCookies(request: RequestCredentials): Map<string, string> {
  const cookies = new Map<string, string>();
  const header = request.headers.cookie;
  const value = Array.isArray(header) ? header.join('; ') : header;
  if (typeof value !== 'string') return cookies;
  for (const chunk of value.split(';')) {
    const eq = chunk.indexOf('=');
    const name = (eq < 0 ? '' : chunk.slice(0, eq)).trim();
    const content = (eq < 0 ? chunk : chunk.slice(eq + 1)).trim();
    if (name || content) cookies.set(name, content);
  }
  return cookies;
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  httpOnly: boolean;
  secure: boolean;
  /** Django's default `Lax` unless given. */
  sameSite?: 'Strict' | 'Lax';
}

/** A `Set-Cookie` value with Django's attributes: `Path=/`, `SameSite` (`Lax` by default), `Max-Age` and `expires`. */
export function serializeCookie(name: string, value: string, options: CookieOptions, now: number): string {
  const expires = new Date(options.maxAge > 0 ? now + options.maxAge * 1000 : 0).toUTCString();
  return [
    `${name}=${value}`,
    `expires=${expires}`,
    ...(options.httpOnly ? ['HttpOnly'] : []),
    `Max-Age=${options.maxAge}`,
    'Path=/',
    `SameSite=${options.sameSite ?? 'Lax'}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
