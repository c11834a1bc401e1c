import { ACCESS_COOKIE_NAME, CSRF_COOKIE_NAME, newCsrfToken, REFRESH_COOKIE_NAME } from '../auth/index.js';
import type { Tessera } from '../core/index.js';
import type { User } from '../store/index.js';
import { mintPair, userRow, type MintOptions, type TestUser } from './mint.js';
import { playwrightStorageState, type BrowserTarget, type StorageState } from './storage-state.js';

/** A Fastify app (`app.inject`); with tessera's plugin registered its tessera is found by itself. */
export interface InjectTarget {
  inject: (...args: never[]) => unknown;
}

/** Whom `loginAs` signs in for: a Fastify app, Playwright's browser, or any HTTP client's app (Express). */
export type LoginTarget = InjectTarget | BrowserTarget | object;

/** A signed-in user's tokens and what a request carries to be theirs. */
export interface Login {
  user: User;
  access: string;
  refresh: string;
  /**
   * `authorization: Bearer <access>`; with cookie mode (`authCookies`) also `x-csrftoken`, and for
   * an HTTP target the `cookie` header. Fastify: `app.inject({ url, headers, cookies })`;
   * supertest: `request(app).get(url).set(login.headers)`; fetch: `fetch(url, { headers })`.
   */
  headers: Record<string, string>;
  /** Cookie mode's cookies by name (the refresh token, `csrftoken`, and with `both` the access token); else empty. */
  cookies: Record<string, string>;
}

/** What `loginAs` answers for a target: Playwright's `storageState`, or a `Login`. */
export type LoginFor<T> = T extends BrowserTarget ? StorageState : Login;

/** What `loginAs` takes besides the target and user. */
export interface LoginOptions extends MintOptions {
  /** The tessera that signs; found on a Fastify app with tessera's plugin, needed for any other target. */
  tessera?: Tessera;
}

const isInjectTarget = (target: LoginTarget): target is InjectTarget =>
  typeof (target as { inject?: unknown }).inject === 'function';

const isBrowserTarget = (target: LoginTarget): target is BrowserTarget =>
  typeof (target as { baseURL?: unknown }).baseURL === 'string';

/** The tessera to sign with: the option's, else a Fastify app's `app.tessera`. */
function tesseraOf(target: LoginTarget, options: LoginOptions): Tessera {
  if (options.tessera) return options.tessera;
  const decorated = isInjectTarget(target) ? (target as { tessera?: Tessera }).tessera : undefined;
  if (decorated && typeof decorated === 'object' && 'tokenContext' in decorated) return decorated;
  throw new TypeError('loginAs: pass { tessera } (only a Fastify app with the tessera plugin carries its own)');
}

/** Cookie mode's cookies for a pair, as a login sets them; empty when `authCookies` is off. */
function loginCookies(tessera: Tessera, access: string, refresh: string): Record<string, string> {
  const mode = tessera.settings.authCookies;
  if (mode === 'off') return {};
  return {
    [REFRESH_COOKIE_NAME]: refresh,
    ...(mode === 'both' ? { [ACCESS_COOKIE_NAME]: access } : {}),
    [CSRF_COOKIE_NAME]: newCsrfToken(),
  };
}

/**
 * Signs `user` in for `target` with a pair the tessera issues as a login does (`mintPair`): no
 * password, no login request. A Fastify app gets headers and cookies for `inject`; `{ baseURL }`
 * gets Playwright's `storageState` (tessera/client's storage, and cookie mode's cookies with
 * `transport: 'cookie'`); any other target (an Express app, a server) gets plain HTTP headers,
 * for supertest, fetch or anything else: `tessera/testing` imports none of them.
 */
export async function loginAs<T extends LoginTarget>(target: T, user: TestUser, options: LoginOptions = {}): Promise<LoginFor<T>> {
  if (target === null || (typeof target !== 'object' && typeof target !== 'function')) {
    throw new TypeError('loginAs: the target is a Fastify app, { baseURL } for Playwright, or an HTTP app (Express)');
  }
  const tessera = tesseraOf(target, options);
  const { tessera: _, ...mint } = options;
  const { access, refresh } = await mintPair(tessera, user, mint);
  if (isBrowserTarget(target)) return playwrightStorageState(tessera, target, { access, refresh }) as LoginFor<T>;
  const cookies = loginCookies(tessera, access, refresh);
  const headers: Record<string, string> = { authorization: `${tessera.settings.authHeaderTypes[0] ?? 'Bearer'} ${access}` };
  if (CSRF_COOKIE_NAME in cookies) headers['x-csrftoken'] = cookies[CSRF_COOKIE_NAME]!;
  // inject takes cookies apart; an HTTP client sends them in one header.
  if (!isInjectTarget(target) && Object.keys(cookies).length > 0) {
    headers.cookie = Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join('; ');
  }
  return { user: userRow(user), access, refresh, headers, cookies } as LoginFor<T>;
}

