import { enforceCsrf } from '../../auth/index.js';
import { challengeLoginKind, type SecondFactorAnswer, type Tessera } from '../../core/index.js';
import { ValidationError } from '../../errors.js';
import { setAuditSubject } from '../audit-notes.js';
import { CookieMode } from '../cookie-mode.js';
import { charField, validate } from '../fields.js';
import { DETAIL_SCHEMA, objectSchema, stringSchema } from '../route-docs.js';
import { transportOf } from '../transport.js';
import type { View } from '../view.js';
import { startSession } from './session-views.js';
import { clientOf } from './token-views.js';
import { csrfCredentials } from './view-requests.js';

/** Where a password login's second-factor challenge is answered. */
export const LOGIN_CHALLENGE_URL = '/api/token/2fa/';

/** Asked for neither or both answers. */
export const ONE_ANSWER = 'Give either code or recovery_code.';

/**
 * `POST /api/token/2fa/` (`{"challenge", "code"}` or `{"challenge", "recovery_code"}`): the second
 * step of a password login for a user with a second factor, answering what the first step would
 * have (a pair, in cookies in cookie mode; a sliding, drf-jwt or authtoken token; a session).
 * Throttled and audited as a login: a wrong code is a failed login of the challenge's account.
 */
export function loginChallengeViews(tessera: Tessera): View[] {
  const { settings } = tessera;
  const cookiesByDefault = settings.authCookies !== 'off';
  const cookieMode = CookieMode.from(cookiesByDefault ? settings : { ...settings, authCookies: 'refresh' }, tessera.clock)!;
  const fields = {
    challenge: charField({ maxLength: 4096 }),
    code: charField({ required: false, maxLength: 32 }),
    recovery_code: charField({ required: false, maxLength: 64 }),
  };
  const inCookie = cookiesByDefault ? ' (in cookie mode it is in the `__Host-tessera-refresh` cookie instead)' : '';
  return [{
    method: 'POST',
    url: LOGIN_CHALLENGE_URL,
    config: {
      authentication: [],
      throttle: 'login',
      audit: 'login',
      name: 'Token Two Factor',
      description: 'Takes the challenge a password login answered for a user with a second factor, and a TOTP\ncode or a recovery code; returns what the login would have.',
      openapi: {
        tags: ['token', 'two-factor'],
        body: fields,
        responses: {
          200: {
            description: 'What the password login would have answered: a token pair (from `/api/token/`), `{"token"}` (sliding, drf-jwt, authtoken) or `{"detail": "Logged in."}` (a session).',
            body: {
              oneOf: [
                objectSchema({ refresh: stringSchema(`The refresh token${inCookie}.`), access: stringSchema('The access token.') }, ['refresh']),
                objectSchema({ token: stringSchema() }),
                DETAIL_SCHEMA,
              ],
            },
          },
          400: {
            description: 'A wrong or used code: `{"code": ["Invalid code."]}` or `{"recovery_code": ["Invalid recovery code."]}` (the challenge stays good); neither or both: `non_field_errors`.',
            body: { $ref: '#/components/schemas/ValidationErrors' },
          },
          401: {
            description: 'The challenge is forged, expired (after 300 s) or answered already (`"code": "challenge_not_valid"`): sign in again.',
            body: objectSchema({ detail: stringSchema(), code: stringSchema() }),
          },
        },
      },
    },
    handle: async (request, reply) => {
      const { challenge, code, recovery_code: recoveryCode } = validate(request.data, fields);
      if ((code === undefined) === (recoveryCode === undefined)) throw ValidationError.of('non_field_errors', ONE_ANSWER);
      // As the session login: Django's CSRF check before anything is spent.
      if (challengeLoginKind(challenge) === 'session') enforceCsrf(csrfCredentials(request), { publicUrl: settings.publicUrl });
      const answer: SecondFactorAnswer = code !== undefined ? { code } : { recoveryCode: recoveryCode! };
      const done = await tessera.twoFactor.completeLogin(challenge, answer, clientOf(request));
      setAuditSubject(request, done.user);
      switch (done.kind) {
        case 'pair':
          return transportOf(request.headers, cookiesByDefault) === 'cookie' ? cookieMode.loginAnswer(reply, done.pair) : done.pair;
        case 'session':
          return startSession(tessera, request, reply, done.user);
        default:
          return { token: done.token };
      }
    },
  }];
}
