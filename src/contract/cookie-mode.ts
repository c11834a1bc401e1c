import {
  ACCESS_COOKIE_NAME, CSRF_COOKIE_AGE, CSRF_COOKIE_NAME, enforceCsrf, newCsrfToken, REFRESH_COOKIE_NAME, serializeCookie,
  tokenCookie, tokenFromCookie, type CsrfContext, type RequestCredentials,
} from '../auth/index.js';
import { InvalidToken } from '../errors.js';
import type { AuthCookieSameSite, Clock, Settings } from '../settings/index.js';
import type { ViewReply } from './view.js';

/** A refresh token a refresh or logout request presented, and whether the browser sent it by itself. */
export interface PresentedRefresh {
  token: string;
  fromCookie: boolean;
}

/**
 * Cookie mode for the token views (`settings.authCookies`, after dj-rest-auth's `JWT_AUTH_COOKIE`):
 * login and rotation put the refresh token (and with `both` the access token) in HttpOnly
 * `__Host-` cookies and leave `refresh` out of the body; refresh and logout fall back to the
 * cookie when the body has no token, and then pass Django's CSRF check first, since a cookie is
 * an ambient credential a cross-site form could make the browser send.
 */
export class CookieMode {
  private readonly withAccess: boolean;
  private readonly sameSite: AuthCookieSameSite;
  private readonly csrf: CsrfContext;
  private readonly csrfSecure: boolean;

  private constructor(private readonly settings: Settings, private readonly clock: Clock) {
    this.withAccess = settings.authCookies === 'both';
    this.sameSite = settings.authCookieSameSite;
    this.csrf = { publicUrl: settings.publicUrl };
    this.csrfSecure = new URL(settings.publicUrl).protocol === 'https:';
  }

  /** The cookie mode the settings ask for, or null when it is off. */
  static from(settings: Settings, clock: Clock): CookieMode | null {
    return settings.authCookies === 'off' ? null : new CookieMode(settings, clock);
  }

  /**
   * A login's answer: the tokens go into cookies and the body keeps only `access`, plus a fresh
   * `csrftoken` cookie for the SPA to echo in `X-CSRFToken` (rotated at login, as Django's
   * `login()` does, so a token planted before it is useless after).
   */
  loginAnswer<T extends { refresh: string; access: string }>(reply: ViewReply, pair: T): Omit<T, 'refresh'> {
    const { refresh, ...body } = pair;
    this.setTokens(reply, refresh, pair.access);
    reply.header('set-cookie', serializeCookie(
      CSRF_COOKIE_NAME, newCsrfToken(), { maxAge: CSRF_COOKIE_AGE, httpOnly: false, secure: this.csrfSecure }, this.clock(),
    ));
    return body;
  }

  /**
   * The refresh token of a refresh or logout: the body's when it has one (no ambient credential,
   * no CSRF check), else the cookie's once the request passes the CSRF check; neither is
   * dj-rest-auth's 401 "No valid refresh token found.".
   */
  presentedRefresh(request: RequestCredentials, fromBody: string | undefined): PresentedRefresh {
    if (fromBody !== undefined) return { token: fromBody, fromCookie: false };
    const token = tokenFromCookie(request, REFRESH_COOKIE_NAME);
    if (token === null) throw new InvalidToken('No valid refresh token found.');
    enforceCsrf(request, this.csrf);
    return { token, fromCookie: true };
  }

  /** A refresh from the cookie: the new access (and rotated refresh) token go back into cookies. */
  refreshAnswer<T extends { access: string; refresh?: string }>(reply: ViewReply, answer: T): Omit<T, 'refresh'> {
    const { refresh, ...body } = answer;
    this.setTokens(reply, refresh ?? null, answer.access);
    return body;
  }

  /** Deletes the token cookies (logout, or a cookie's token refused). */
  clear(reply: ViewReply): void {
    const now = this.clock();
    reply.header('set-cookie', tokenCookie(REFRESH_COOKIE_NAME, null, 0, this.sameSite, now));
    if (this.withAccess) reply.header('set-cookie', tokenCookie(ACCESS_COOKIE_NAME, null, 0, this.sameSite, now));
  }

  private setTokens(reply: ViewReply, refresh: string | null, access: string): void {
    const now = this.clock();
    if (refresh !== null) {
      reply.header('set-cookie', tokenCookie(REFRESH_COOKIE_NAME, refresh, this.settings.refreshTokenLifetime, this.sameSite, now));
    }
    if (this.withAccess) {
      reply.header('set-cookie', tokenCookie(ACCESS_COOKIE_NAME, access, this.settings.accessTokenLifetime, this.sameSite, now));
    }
  }
}
