import type { AuthCookieSameSite } from '../settings/index.js';
import type { RequestCredentials } from './authenticator.js';
import { parseCookies, serializeCookie } from './cookies.js';

/**
 * Cookie mode's cookies (`settings.authCookies`). The `__Host-` prefix makes browsers refuse them
 * unless they are `Secure`, `Path=/` and without `Domain`: no subdomain can set or shadow them.
 */
export const REFRESH_COOKIE_NAME = '__Host-tessera-refresh';
export const ACCESS_COOKIE_NAME = '__Host-tessera-access';

/** The value a deleted cookie is sent with (Django's `delete_cookie`). */
const DELETED = '""';

/**
 * `Set-Cookie` for a token cookie: HttpOnly (no script reads it), Secure, `Path=/`, the configured
 * SameSite, and `Max-Age` = the token's lifetime; a `maxAge` of 0 deletes it.
 */
export function tokenCookie(name: string, token: string | null, maxAge: number, sameSite: AuthCookieSameSite, now: number): string {
  return serializeCookie(name, token ?? DELETED, { maxAge: token === null ? 0 : maxAge, httpOnly: true, secure: true, sameSite }, now);
}

/** The token in the named cookie, or null when there is none (or a deleted one). */
export function tokenFromCookie(request: RequestCredentials, name: string): string | null {
  const value = parseCookies(request).get(name);
  return value === undefined || value === '' || value === DELETED ? null : value;
}
