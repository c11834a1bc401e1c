import type { FastifyInstance } from 'fastify';
import { AllowAny } from '../../auth/index.js';
import { ValidationError } from '../../errors.js';
import { requestData } from '../body.js';
import { charField, validate } from '../../contract/index.js';
import { objectSchema, stringSchema } from '../../contract/index.js';

/** DRF's `obtain_auth_token` URL in its documentation, and in seed 001's settings. */
export const AUTHTOKEN_URL = '/api-token-auth/';

/**
 * DRF's `ObtainAuthToken` view and `AuthTokenSerializer`: username and password in, the user's
 * one authtoken out (made on first use). Like DRF's view it runs the default authentication
 * classes and allows anyone.
 */
export function registerAuthTokenRoutes(app: FastifyInstance, url = AUTHTOKEN_URL): void {
  const { tessera } = app;
  const fields = { username: charField(), password: charField({ trim: false }) };
  const openapi = {
    tags: ['authtoken'],
    body: fields,
    responses: { 200: { description: 'The user\'s token, sent as `Token <key>`.', body: objectSchema({ token: stringSchema() }) } },
  };
  app.post(url, { config: { permission: AllowAny, throttle: 'login', audit: 'login', name: 'Obtain Auth Token', description: '', openapi } }, async (request) => {
    const { username, password } = validate(requestData(request), fields);
    if (!username || !password) throw ValidationError.of('non_field_errors', 'Must include "username" and "password".');
    // authenticate() answers null for inactive users too, so they get the same message.
    const user = await tessera.users.checkCredentials({ username, password });
    if (!user) throw ValidationError.of('non_field_errors', 'Unable to log in with provided credentials.');
    const { token } = await tessera.store.authTokens.getOrCreate(user.id, new Date(tessera.clock()));
    return { token: token.key };
  });
}
