import {
  CSRF_COOKIE_AGE, CSRF_COOKIE_NAME, csrfTokenFor, enforceCsrf, newCsrfToken, parseCookies, SESSION_COOKIE_NAME, serializeCookie,
} from '../../auth/index.js';
import type { Tessera } from '../../core/index.js';
import { ValidationError } from '../../errors.js';
import { charField, validate } from '../fields.js';
import { DETAIL_SCHEMA, objectSchema, stringSchema } from '../route-docs.js';
import type { View } from '../view.js';
import { csrfCredentials } from './view-requests.js';
import { orChallengeDoc, orSecondFactorChallenge } from '../second-factor.js';
import type { User } from '../../store/index.js';
import type { ViewReply, ViewRequest } from '../view.js';

/**
 * Session login and logout at DRF's browsable-API URLs (`rest_framework.urls`, under `prefix`),
 * answering JSON instead of Django's HTML form and 302, plus `csrf/` to get the CSRF cookie an
 * API client needs first. Login and logout are CSRF-protected as Django's views are (login CSRF included).
 */
export function sessionViews(tessera: Tessera, { prefix = '/api-auth/' }: { prefix?: string } = {}): View[] {
  const { settings, clock } = tessera;
  const secure = new URL(settings.publicUrl).protocol === 'https:';
  const csrf = { publicUrl: settings.publicUrl };
  const loginFields = { username: charField(), password: charField({ trim: false }) };
  const tags = ['session'];
  const setsCookies = { 'Set-Cookie': '`sessionid` (HttpOnly) and a new `csrftoken`.' };
  const csrfCookie = (value: string) =>
    serializeCookie(CSRF_COOKIE_NAME, value, { maxAge: CSRF_COOKIE_AGE, httpOnly: false, secure }, clock());

  return [
    {
      method: 'GET',
      url: `${prefix}csrf/`,
      config: {
        authentication: [], name: 'CSRF Token', description: 'Sets the `csrftoken` cookie; send the token back in `X-CSRFToken`.',
        openapi: { tags, responses: { 200: { description: 'The token to echo in `X-CSRFToken`.', body: objectSchema({ csrfToken: stringSchema() }), headers: { 'Set-Cookie': '`csrftoken`.' } } } },
      },
      handle: (request, reply) => {
        const { cookie, token } = csrfTokenFor(request);
        reply.header('set-cookie', csrfCookie(cookie));
        return { csrfToken: token };
      },
    },
    {
      method: 'POST',
      url: `${prefix}login/`,
      config: {
        authentication: [], throttle: 'login', audit: 'login', name: 'Login', description: 'Starts a session: sets the `sessionid` cookie.',
        openapi: {
          tags,
          body: loginFields,
          responses: {
            200: orChallengeDoc({ description: 'Logged in.', body: DETAIL_SCHEMA, headers: setsCookies }),
            403: { description: 'CSRF check failed: send the `csrftoken` cookie and `X-CSRFToken`.', body: DETAIL_SCHEMA },
          },
        },
      },
      handle: async (request, reply) => {
        enforceCsrf(csrfCredentials(request), csrf);
        const { username, password } = validate(request.data, loginFields);
        const user = await tessera.users.checkCredentials({ username, password });
        if (!user) throw ValidationError.of('non_field_errors', 'Unable to log in with provided credentials.');
        return orSecondFactorChallenge(request, async () => {
          await tessera.twoFactor.requireSecondFactor(user, { kind: 'session' });
          return startSession(tessera, request, reply, user);
        });
      },
    },
    {
      method: 'POST',
      url: `${prefix}logout/`,
      config: {
        authentication: [], name: 'Logout', description: 'Ends the session and clears the `sessionid` cookie.',
        openapi: {
          tags,
          responses: {
            200: { description: 'Logged out.', body: DETAIL_SCHEMA, headers: { 'Set-Cookie': 'An expired `sessionid`.' } },
            403: { description: 'CSRF check failed: send the `csrftoken` cookie and `X-CSRFToken`.', body: DETAIL_SCHEMA },
          },
        },
      },
      handle: async (request, reply) => {
        enforceCsrf(csrfCredentials(request), csrf);
        const key = parseCookies(request).get(SESSION_COOKIE_NAME);
        if (key) await tessera.sessionLogins.logout(key);
        reply.header('set-cookie', serializeCookie(SESSION_COOKIE_NAME, '""', { maxAge: 0, httpOnly: true, secure }, clock()));
        return { detail: 'Logged out.' };
      },
    },
  ];
}

/**
 * Django's `login()`: a session for `user`, its `sessionid` cookie, `last_login`, and a new CSRF
 * token (Django rotates it at login, so a token planted before it is useless after). The session
 * login view and the answer to its second-factor challenge both end here.
 */
export async function startSession(tessera: Tessera, request: ViewRequest, reply: ViewReply, user: User): Promise<{ detail: string }> {
  const { settings, clock } = tessera;
  const secure = new URL(settings.publicUrl).protocol === 'https:';
  const { key, maxAge } = await tessera.sessionLogins.login(user, parseCookies(request).get(SESSION_COOKIE_NAME));
  // Django's user_logged_in signal updates last_login on every login.
  await tessera.store.users.setLastLogin(user.id, new Date(clock()));
  reply.header('set-cookie', serializeCookie(SESSION_COOKIE_NAME, key, { maxAge, httpOnly: true, secure }, clock()));
  reply.header('set-cookie', serializeCookie(CSRF_COOKIE_NAME, newCsrfToken(), { maxAge: CSRF_COOKIE_AGE, httpOnly: false, secure }, clock()));
  return { detail: 'Logged in.' };
}
