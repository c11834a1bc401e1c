import { ACCESS_COOKIE_NAME, CSRF_COOKIE_AGE, CSRF_COOKIE_NAME, newCsrfToken, REFRESH_COOKIE_NAME } from '../auth/index.js';
import type { Tessera } from '../core/index.js';
import type { TokenPair } from '../tokens/index.js';

/** Playwright's browser: the origin its pages open, and how the app's tessera/client keeps the refresh token. */
export interface BrowserTarget {
  /** The origin of the pages (`http://127.0.0.1:8000`), as Playwright's `baseURL`. */
  baseURL: string;
  /**
   * The client's transport: `'body'` (the default, as the console's) keeps both tokens in
   * localStorage; `'cookie'` (a client with `cookies: true`) keeps the refresh token in tessera's
   * HttpOnly cookie, with `csrftoken`, and its marker in localStorage.
   */
  transport?: 'body' | 'cookie';
}

/** One cookie of Playwright's `storageState` (its `BrowserContextOptions['storageState']` type). */
export interface StorageStateCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  /** Seconds since the epoch. */
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Strict' | 'Lax' | 'None';
}

/** Playwright's `storageState`: for `browser.newContext({ storageState })`. */
export interface StorageState {
  cookies: StorageStateCookie[];
  origins: { origin: string; localStorage: { name: string; value: string }[] }[];
}

/** tessera/client's storage keys (src/client/client.ts) and its cookie-mode marker. */
export const CLIENT_ACCESS_KEY = 'tessera.access';
export const CLIENT_REFRESH_KEY = 'tessera.refresh';
const IN_COOKIE = 'cookie';

/**
 * A signed-in browser for Playwright: tessera/client's keys in the origin's localStorage (read by
 * an app with `webStorage(localStorage)`, and moved into its tab by the console), and in cookie
 * mode the cookies a login sets. Cookie lifetimes count from the browser's real time.
 */
export function playwrightStorageState(tessera: Tessera, target: BrowserTarget, pair: TokenPair): StorageState {
  const url = new URL(target.baseURL);
  const cookieMode = target.transport === 'cookie';
  const now = Math.floor(Date.now() / 1000);
  const { settings } = tessera;
  const cookie = (name: string, value: string, lifetime: number, httpOnly: boolean): StorageStateCookie => ({
    name, value, domain: url.hostname, path: '/', expires: now + lifetime, httpOnly,
    // tessera's token cookies are `__Host-` ones: always Secure (browsers count localhost as secure).
    secure: httpOnly || url.protocol === 'https:',
    sameSite: httpOnly ? settings.authCookieSameSite : 'Lax',
  });
  const cookies = cookieMode ? [
    cookie(REFRESH_COOKIE_NAME, pair.refresh, settings.refreshTokenLifetime, true),
    ...(settings.authCookies === 'both' ? [cookie(ACCESS_COOKIE_NAME, pair.access, settings.accessTokenLifetime, true)] : []),
    cookie(CSRF_COOKIE_NAME, newCsrfToken(), CSRF_COOKIE_AGE, false),
  ] : [];
  return {
    cookies,
    origins: [{
      origin: url.origin,
      localStorage: [
        { name: CLIENT_ACCESS_KEY, value: pair.access },
        { name: CLIENT_REFRESH_KEY, value: cookieMode ? IN_COOKIE : pair.refresh },
      ],
    }],
  };
}
