import type { Tessera } from '../../core/index.js';
import { TOKEN_MESSAGES, TokenError, type SessionInfo } from '../../tokens/index.js';
import type { User } from '../../store/index.js';
import { setAuditSubject } from '../audit-notes.js';
import { CookieMode } from '../cookie-mode.js';
import { transportOf } from '../transport.js';
import { charField, validate } from '../fields.js';
import { credentialsIn, loginFieldOf } from '../login-fields.js';
import { objectSchema, stringSchema, type ResponseDoc } from '../route-docs.js';
import type { View, ViewRequest } from '../view.js';
import { csrfCredentials } from './view-requests.js';
import { orChallengeDoc, orSecondFactorChallenge } from '../second-factor.js';

/** URLs for the token views; each may have several spellings (seed 004's `gettoken/`). */
export type TokenViewUrls = Partial<Record<'obtain' | 'refresh' | 'verify' | 'blacklist' | 'sliding' | 'slidingRefresh', string[]>>;

const DEFAULT_URLS = {
  obtain: ['/api/token/'],
  refresh: ['/api/token/refresh/'],
  verify: ['/api/token/verify/'],
  blacklist: ['/api/token/blacklist/'],
};

/** Simple JWT's four token views, at each URL the application names for them. */
export function tokenViews(tessera: Tessera, urls: TokenViewUrls = {}): View[] {
  const views: View[] = [];
  const at = { ...DEFAULT_URLS, ...urls };
  // Cookie or body, per request (`X-Tessera-Transport`), `settings.authCookies` by default: with
  // the default off and no header, every view is exactly Simple JWT's.
  const { settings } = tessera;
  const cookiesByDefault = settings.authCookies !== 'off';
  const cookieMode = CookieMode.from(cookiesByDefault ? settings : { ...settings, authCookies: 'refresh' }, tessera.clock)!;
  const cookiesFor = (request: ViewRequest): CookieMode | null => (transportOf(request.headers, cookiesByDefault) === 'cookie' ? cookieMode : null);
  // Simple JWT names the login's field after `USERNAME_FIELD`: `username`, or `email` (`loginField`).
  const obtainFields = { ...loginFieldOf(settings.loginField), password: charField(), device_name: charField({ required: false, maxLength: 200 }) };
  // In the body the refresh token is required; with cookies it may come in its cookie instead.
  const refreshInBody = { refresh: charField() };
  const refreshInCookie = { refresh: charField({ required: false }) };
  const refreshFields = cookiesByDefault ? refreshInCookie : refreshInBody;
  const refreshFieldsFor = (cookies: CookieMode | null) => (cookies ? refreshInCookie : refreshInBody);
  const tokenFields = { token: charField() };
  // In cookie mode the refresh token travels in its cookie, not in the body.
  const inCookie = cookiesByDefault ? ' (in cookie mode it is in the `__Host-tessera-refresh` cookie instead)' : '';
  const tags = ['token'];
  // A login past `sessionsPerUser` is refused (403) only with `sessionLimitPolicy: 'refuse'`.
  const limitRefusal: Record<number, ResponseDoc> =
    settings.tokenFamilies && settings.sessionsPerUser > 0 && settings.sessionLimitPolicy === 'refuse' ? { 403: SESSION_LIMIT } : {};
  const sessionPolicyOn = settings.tokenFamilies
    && (settings.sessionAbsoluteLifetime > 0 || settings.sessionIdleTimeout > 0 || settings.sessionsPerUser > 0);

  for (const url of at.obtain) {
    views.push({
      method: 'POST',
      url,
      config: {
        authentication: [],
        throttle: 'login',
        audit: 'login',
        name: 'Token Obtain Pair',
        description: 'Takes a set of user credentials and returns an access and refresh JSON web\ntoken pair to prove the authentication of those credentials.',
        openapi: {
          tags,
          body: obtainFields,
          responses: {
            200: orChallengeDoc({
              description: 'A token pair.',
              body: objectSchema({ refresh: stringSchema(`The refresh token${inCookie}.`), access: stringSchema('The access token.') }, cookiesByDefault ? ['refresh'] : []),
            }),
            401: INVALID_CREDENTIALS,
            ...limitRefusal,
          },
        },
      },
      handle: async (request, reply) => {
        const cookies = cookiesFor(request);
        const input = validate(request.data, obtainFields);
        const credentials = credentialsIn(input, settings.loginField, input.password!);
        return orSecondFactorChallenge(request, async () => {
          const pair = await tessera.tokens.obtainPair(credentials, { ...clientOf(request), deviceName: input.device_name ?? null });
          return cookies ? cookies.loginAnswer(reply, pair) : pair;
        });
      },
    });
  }

  for (const url of at.refresh) {
    views.push({
      method: 'POST',
      url,
      config: {
        authentication: [],
        throttle: 'refresh',
        audit: 'token_refreshed',
        name: 'Token Refresh',
        description: 'Takes a refresh type JSON web token and returns an access type JSON web\ntoken if the refresh token is valid.',
        openapi: {
          tags,
          body: refreshFields,
          responses: {
            200: {
              description: 'A new access token, and a new refresh token when `rotateRefreshTokens` is on.',
              body: objectSchema({ access: stringSchema(), refresh: stringSchema(`With rotation: the successor${inCookie}.`) }, ['refresh']),
            },
            401: sessionPolicyOn ? REFRESH_REFUSED : TOKEN_REFUSED,
          },
        },
      },
      handle: async (request, reply) => {
        const cookies = cookiesFor(request);
        const { refresh } = validate(request.data, refreshFieldsFor(cookies));
        // The user the refresh checked is the audit event's: not looked up a second time.
        const audited = (user: User) => setAuditSubject(request, user);
        if (!cookies) return tessera.tokens.refresh(refresh!, clientOf(request), audited);
        const presented = cookies.presentedRefresh(csrfCredentials(request), refresh);
        let answer;
        try {
          answer = await tessera.tokens.refresh(presented.token, clientOf(request), audited);
        } catch (error) {
          // A refused cookie is dead weight the browser would keep sending: delete it. Not a
          // blacklisted one: that is a predecessor another tab has just rotated, and deleting it
          // now would delete the successor that tab's answer put in the same cookie jar.
          if (presented.fromCookie && !isBlacklisted(error)) cookies.clear(reply);
          throw error;
        }
        // The successor goes where the token came from: a token from the body is answered in the body.
        return presented.fromCookie ? cookies.refreshAnswer(reply, answer) : answer;
      },
    });
  }

  for (const url of at.verify) {
    views.push({
      method: 'POST',
      url,
      config: {
        authentication: [],
        name: 'Token Verify',
        description: 'Takes a token and indicates if it is valid.  This view provides no\ninformation about a token\'s fitness for a particular use.',
        openapi: { tags, body: tokenFields, responses: { 200: { description: 'The token is valid.', body: objectSchema({}) }, 401: TOKEN_REFUSED } },
      },
      handle: async (request) => {
        const { token } = validate(request.data, tokenFields);
        await tessera.tokens.verify(token);
        return {};
      },
    });
  }

  for (const url of at.blacklist) {
    views.push({
      method: 'POST',
      url,
      config: {
        authentication: [],
        audit: 'token_blacklisted',
        name: 'Token Blacklist',
        description: 'Takes a token and blacklists it. Must be used with the\n`rest_framework_simplejwt.token_blacklist` app installed.',
        openapi: { tags, body: refreshFields, responses: { 200: { description: 'Blacklisted.', body: objectSchema({}) }, 401: TOKEN_REFUSED } },
      },
      handle: async (request, reply) => {
        const cookies = cookiesFor(request);
        const { refresh } = validate(request.data, refreshFieldsFor(cookies));
        if (!cookies) {
          await tessera.tokens.blacklist(refresh!);
          return {};
        }
        const presented = cookies.presentedRefresh(csrfCredentials(request), refresh);
        try {
          await tessera.tokens.blacklist(presented.token);
        } finally {
          // Logout: the cookies go whether or not their token was still good.
          if (presented.fromCookie) cookies.clear(reply);
        }
        return {};
      },
    });
  }
  return views;
}

/** Simple JWT's "Token is blacklisted": the token was rotated (or logged out) before. */
function isBlacklisted(error: unknown): boolean {
  return error instanceof TokenError && error.message === TOKEN_MESSAGES.blacklisted;
}

/** Simple JWT's answer to wrong credentials or an inactive user. */
export const INVALID_CREDENTIALS: ResponseDoc = {
  description: 'No active account with these credentials (`"code": "no_active_account"`).',
  body: objectSchema({ detail: stringSchema(), code: stringSchema() }),
};

/** Simple JWT's answer to an invalid, expired or blacklisted token. */
export const TOKEN_REFUSED: ResponseDoc = {
  description: 'The token is invalid, expired or blacklisted (`"code": "token_not_valid"`).',
  body: objectSchema({ detail: stringSchema(), code: stringSchema() }),
};

/** A refused refresh under session policy: Simple JWT's answers, or a session that policy ended. */
const REFRESH_REFUSED: ResponseDoc = {
  description: 'The token is invalid, expired or blacklisted (`"code": "token_not_valid"`); a session that session policy ended answers `"detail": "Session has expired"` with `"reason"`: `expired`, `idle` or `evicted`.',
  body: objectSchema({ detail: stringSchema(), code: stringSchema(), reason: { type: 'string', enum: ['expired', 'idle', 'evicted'] } }, ['reason']),
};

/** A login refused at `sessionsPerUser` with `sessionLimitPolicy: 'refuse'`. */
const SESSION_LIMIT: ResponseDoc = {
  description: 'The user holds `sessionsPerUser` live sessions already (`"code": "session_limit_reached"`).',
  body: objectSchema({ detail: stringSchema(), code: stringSchema() }),
};

/** Where a request comes from, for the session a login starts and for security events. */
export function clientOf(request: ViewRequest): SessionInfo {
  const userAgent = request.headers['user-agent'];
  return { userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 500) : '', ip: request.ip };
}
