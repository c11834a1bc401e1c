import { ACCESS_COOKIE_NAME, parseCookies, REFRESH_COOKIE_NAME, tokenFromCookie } from '../auth/index.js';
import { CookieMode, errorAnswer, type ViewReply } from '../contract/index.js';
import type { RefreshedTokens, Tessera } from '../core/index.js';
import type { ClientInfo } from './adapter.js';
import { clientIpOf, type ClientIpOptions } from './client-ip.js';
import { refreshOncePerWave, type WaveRefresher, type WaveRefresherOptions } from './refresh-once-per-wave.js';

/** What the hand-over did for a request. */
export type HandOverOutcome =
  /** The access cookie is still good, or there is no refresh cookie: nothing to do. */
  | 'unchanged'
  /** Refreshed (or joined the wave's refresh): new cookies for the browser and for this request. */
  | 'refreshed'
  /** The refresh token was refused (blacklisted, expired, reused): the token cookies are deleted. */
  | 'refused'
  /** The refresh failed on our side (the database down): the cookies are left for a later try. */
  | 'unavailable';

/** The cookies to pass on: to the rest of this request (the page) and to the browser. */
export interface CookieHandOver {
  outcome: HandOverOutcome;
  /**
   * The request's headers with `Cookie` as the rest of the request must see it: the new access
   * (and rotated refresh) token in place of the old, or no token cookies after a refusal. In
   * Next.js: `NextResponse.next({ request: { headers: handOver.requestHeaders } })`.
   */
  requestHeaders: Headers;
  /** `Set-Cookie` values for the response, exactly as tessera's refresh and logout views set them. */
  setCookie: string[];
}

export interface CookieHandOverOptions extends WaveRefresherOptions, ClientIpOptions {
  /** Seconds before its expiry an access token is already renewed (so it outlives the render); default 0. */
  renewBefore?: number;
  /** A refresher to share (one per process); default a new `refreshOncePerWave(tessera, options)`. */
  refresher?: WaveRefresher;
}

/** Hands a request's expired access cookie over to fresh tokens, once per wave. */
export interface CookieHandOff {
  /** The hand-over for `request`: refresh when its access cookie is gone or expired and a refresh cookie is there. */
  handOver(request: Request, client?: ClientInfo): Promise<CookieHandOver>;
  /** The refresher behind it (its `refreshes` count). */
  refresher: WaveRefresher;
}

/**
 * For Next.js's proxy (middleware) and any front that renders with tessera's cookies (cookie mode
 * `both`): when a request's access cookie has expired (the browser drops it at its `Max-Age`) and
 * its refresh cookie is there, refreshes once per wave and hands the new tokens over both ways:
 * `Set-Cookie` for the browser, and a rewritten `Cookie` header for the page rendering this very
 * request. A refusal deletes the token cookies, as the refresh view does.
 */
export function cookieHandOver(tessera: Tessera, options: CookieHandOverOptions = {}): CookieHandOff {
  if (tessera.settings.authCookies !== 'both') {
    throw new TypeError(
      `cookieHandOver needs authCookies "both" (the access token in a cookie the page reads), not "${tessera.settings.authCookies}"`,
    );
  }
  const cookies = CookieMode.from(tessera.settings, tessera.clock)!;
  const refresher = options.refresher ?? refreshOncePerWave(tessera, options);
  const renewBeforeMs = (options.renewBefore ?? 0) * 1000;

  const handOver = async (request: Request, client: ClientInfo = {}): Promise<CookieHandOver> => {
    const credentials = { method: request.method, headers: { cookie: request.headers.get('cookie') ?? undefined } };
    const refresh = tokenFromCookie(credentials, REFRESH_COOKIE_NAME);
    const access = tokenFromCookie(credentials, ACCESS_COOKIE_NAME);
    const unchanged = { outcome: 'unchanged' as const, requestHeaders: request.headers, setCookie: [] };
    if (refresh === null) return unchanged;
    if (access !== null && !expiresBy(access, tessera.clock() + renewBeforeMs)) return unchanged;
    const jar = parseCookies(credentials);

    const reply = collectingReply();
    let tokens: RefreshedTokens;
    try {
      tokens = await refresher.refresh(refresh, {
        ip: clientIpOf(request, client.ip, options),
        userAgent: request.headers.get('user-agent'),
        path: new URL(request.url).pathname,
      });
    } catch (error) {
      const status = errorStatus(error);
      if (status >= 500) {
        tessera.logger.error('refreshing an expired access cookie failed', { reason: (error as Error)?.message });
        return { ...unchanged, outcome: 'unavailable' };
      }
      cookies.clear(reply);
      jar.delete(ACCESS_COOKIE_NAME);
      jar.delete(REFRESH_COOKIE_NAME);
      return { outcome: 'refused', requestHeaders: withCookies(request.headers, jar), setCookie: reply.setCookie };
    }
    cookies.refreshAnswer(reply, tokens);
    jar.set(ACCESS_COOKIE_NAME, tokens.access);
    if (tokens.refresh) jar.set(REFRESH_COOKIE_NAME, tokens.refresh);
    return { outcome: 'refreshed', requestHeaders: withCookies(request.headers, jar), setCookie: reply.setCookie };
  };

  return { handOver, refresher };
}

/** True when the token's `exp` is at or before `moment` (ms), or it has none readable: a forged one is refused later anyway. */
function expiresBy(token: string, moment: number): boolean {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp !== 'number' || payload.exp * 1000 <= moment;
  } catch {
    return true;
  }
}

/** The status tessera answers `error` with (the contract's one mapping); 500 for anything unknown. */
function errorStatus(error: unknown): number {
  return errorAnswer(error)?.status ?? 500;
}

/** A `ViewReply` that keeps the `Set-Cookie` values CookieMode writes. */
function collectingReply(): ViewReply & { setCookie: string[] } {
  const setCookie: string[] = [];
  return { setCookie, status: () => undefined, header: (name, value) => { if (name.toLowerCase() === 'set-cookie') setCookie.push(value); } };
}

/** `headers` with `Cookie` rebuilt from `jar` (dropped when empty). */
function withCookies(headers: Headers, jar: Map<string, string>): Headers {
  const next = new Headers(headers);
  const cookie = [...jar].map(([name, value]) => (name ? `${name}=${value}` : value)).join('; ');
  if (cookie) next.set('cookie', cookie);
  else next.delete('cookie');
  return next;
}
