import { AllowAny } from '../../auth/index.js';
import type { Tessera } from '../../core/index.js';
import { ValidationError } from '../../errors.js';
import { charField, validate } from '../fields.js';
import { objectSchema, stringSchema } from '../route-docs.js';
import type { View } from '../view.js';
import { orChallengeDoc, orSecondFactorChallenge } from '../second-factor.js';

/** DRF's `obtain_auth_token` URL in its documentation, and in seed 001's settings. */
export const AUTHTOKEN_URL = '/api-token-auth/';

/**
 * DRF's `ObtainAuthToken` view and `AuthTokenSerializer`: username and password in, the user's
 * one authtoken out (made on first use). Like DRF's view it runs the default authentication
 * classes and allows anyone.
 */
export function authTokenViews(tessera: Tessera, { url = AUTHTOKEN_URL }: { url?: string } = {}): View[] {
  const fields = { username: charField(), password: charField({ trim: false }) };
  const openapi = {
    tags: ['authtoken'],
    body: fields,
    responses: { 200: orChallengeDoc({ description: 'The user\'s token, sent as `Token <key>`.', body: objectSchema({ token: stringSchema() }) }) },
  };
  return [{
    method: 'POST',
    url,
    config: { permission: AllowAny, throttle: 'login', audit: 'login', name: 'Obtain Auth Token', description: '', openapi },
    handle: async (request) => {
      const { username, password } = validate(request.data, fields);
      if (!username || !password) throw ValidationError.of('non_field_errors', 'Must include "username" and "password".');
      // authenticate() answers null for inactive users too, so they get the same message.
      const user = await tessera.users.checkCredentials({ username, password });
      if (!user) throw ValidationError.of('non_field_errors', 'Unable to log in with provided credentials.');
      return orSecondFactorChallenge(request, async () => {
        await tessera.twoFactor.requireSecondFactor(user, { kind: 'authtoken' });
        return { token: await tessera.authTokens.obtain(user.id) };
      });
    },
  }];
}
