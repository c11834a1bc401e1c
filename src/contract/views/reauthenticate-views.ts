import { Fresh, IsAuthenticated } from '../../auth/index.js';
import type { Tessera } from '../../core/index.js';
import type { Settings } from '../../settings/index.js';
import { CookieMode } from '../cookie-mode.js';
import { charField, validate } from '../fields.js';
import { objectSchema, stringSchema, type ResponseDoc } from '../route-docs.js';
import { transportOf } from '../transport.js';
import type { View, ViewConfig } from '../view.js';
import { signedInUser } from './view-requests.js';

/** The 403 of a route that needs a recent login (`Fresh`, `freshLoginMaxAge`). */
export const REAUTHENTICATION_REQUIRED_DOC: ResponseDoc = {
  description: `The login (the token's \`auth_time\`) is older than the route allows, or the token has none (\`"code": "reauthentication_required"\`): re-authenticate at \`POST ${'/api/token/reauthenticate/'}\` and retry.`,
  body: objectSchema({ detail: stringSchema(), code: stringSchema() }),
};

/**
 * `config` for a sensitive route: with `freshLoginMaxAge` on, it needs a recent login (`Fresh`,
 * and the 403 documented), so a stolen access token alone cannot make the change; off, as given.
 */
export function needingFreshLogin(settings: Pick<Settings, 'freshLoginMaxAge'>, config: ViewConfig): ViewConfig {
  if (!(settings.freshLoginMaxAge > 0)) return config;
  return {
    ...config,
    permission: Fresh(settings.freshLoginMaxAge),
    openapi: { ...config.openapi, responses: { ...config.openapi?.responses, 403: REAUTHENTICATION_REQUIRED_DOC } },
  };
}

/** Where a client re-authenticates when a route answers 403 `reauthentication_required`. */
export const REAUTHENTICATE_URL = '/api/token/reauthenticate/';

/**
 * `POST /api/token/reauthenticate/` (signed in; body `password`): the password checked again,
 * throttled and audited as a login (`login_succeeded` / `login_failed` with this path), and tokens
 * whose `auth_time` is now: a pair in the same session (cookie mode as at login), or a sliding
 * token when the request came with one. A wrong password is 400 `{"password": ["Invalid password."]}`.
 */
export function reauthenticateViews(tessera: Tessera): View[] {
  const { settings } = tessera;
  const cookiesByDefault = settings.authCookies !== 'off';
  const cookieMode = CookieMode.from(cookiesByDefault ? settings : { ...settings, authCookies: 'refresh' }, tessera.clock)!;
  const fields = { password: charField() };
  // A user with a second factor may prove it with a TOTP code instead of the password.
  const codeFields = { code: charField({ maxLength: 32 }) };
  const documented = { password: charField({ required: false }), code: charField({ required: false, maxLength: 32 }) };
  const inCookie = cookiesByDefault ? ' (in cookie mode it is in the `__Host-tessera-refresh` cookie instead)' : '';
  return [{
    method: 'POST',
    url: REAUTHENTICATE_URL,
    config: {
      permission: IsAuthenticated,
      throttle: 'login',
      audit: 'login',
      name: 'Token Reauthenticate',
      description: 'Takes the signed-in user\'s password (or a TOTP code, for a user with a second factor) and returns\ntokens whose login time (`auth_time`) is now, in the same session, for routes that need a recent login.',
      openapi: {
        tags: ['token'],
        body: documented,
        responses: {
          200: {
            description: 'A token pair in the same session (a `token` for a sliding token), with a fresh `auth_time`.',
            body: objectSchema({
              refresh: stringSchema(`The refresh token${inCookie}.`), access: stringSchema('The access token.'), token: stringSchema('A sliding token.'),
            }, ['refresh', 'access', 'token']),
          },
          400: {
            description: 'Wrong password: `{"password": ["Invalid password."]}`; a wrong or used code: `{"code": ["Invalid code."]}`.',
            body: objectSchema({ password: { type: 'array', items: stringSchema() }, code: { type: 'array', items: stringSchema() } }, ['password', 'code']),
          },
        },
      },
    },
    handle: async (request, reply) => {
      const cookies = transportOf(request.headers, cookiesByDefault) === 'cookie' ? cookieMode : null;
      const data = request.data as Record<string, unknown> | null;
      const byCode = data !== null && typeof data === 'object' && data.code !== undefined && data.password === undefined;
      const proof = byCode ? { code: validate(data, codeFields).code } : { password: validate(data, fields).password };
      const answer = await tessera.tokens.reauthenticate(signedInUser(request), proof, request.auth);
      return cookies && 'refresh' in answer ? cookies.loginAnswer(reply, answer) : answer;
    },
  }];
}
