import { BadRequest } from './http-errors.js';

/** The header a client names the way it wants its refresh token with: `cookie` or `body`. */
export const TRANSPORT_HEADER = 'x-tessera-transport';

export type Transport = 'cookie' | 'body';

/**
 * Cookie or body, per request: a browser asks for tessera's HttpOnly cookies (with CSRF), a native
 * or server client for the refresh token in the body, from one server. Without the header the
 * `authCookies` setting decides; any other value is a 400 naming the two.
 */
export function transportOf(headers: Readonly<Record<string, string | string[] | undefined>>, cookiesByDefault: boolean): Transport {
  const asked = headers[TRANSPORT_HEADER];
  if (asked === undefined) return cookiesByDefault ? 'cookie' : 'body';
  const value = (Array.isArray(asked) ? asked.join(',') : asked).trim().toLowerCase();
  if (value === 'cookie' || value === 'body') return value;
  throw new BadRequest('X-Tessera-Transport must be "cookie" or "body".');
}
