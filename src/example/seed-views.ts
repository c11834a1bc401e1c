import type { FastifyInstance } from 'fastify';
import { AuthenticationFailed, IsAuthenticated, RefreshToken, type AuthenticationClassName } from '../index.js';
import { charField, objectSchema, orSecondFactorChallenge, requestData, validate } from '../http/index.js';

const tags = ['seed views'];

/** Seed 001's project authenticates with drf-jwt first (`JWT realm="api"`); Simple JWT's tokens are taken too. */
const SEED_001_AUTHENTICATION: AuthenticationClassName[] = ['drf-jwt', 'jwt'];

/**
 * The small views the seeds write by hand: seed 000's `/api/user/`, seed 001's protected
 * resource, and seed 002's `LoginView` (`RefreshToken.for_user` after `authenticate`) and
 * `RestrictedView`.
 */
export async function seedViews(app: FastifyInstance): Promise<void> {
  const { tessera } = app;
  const credentialFields = { username: charField(), password: charField() };

  app.get('/api/user/', {
    config: {
      permission: IsAuthenticated, name: 'User',
      openapi: { tags, responses: { 200: { description: 'The signed-in user.', body: objectSchema({ id: { type: 'integer' }, username: { type: 'string' } }) } } },
    },
  }, async (request) => ({
    id: request.user!.id,
    username: request.user!.username,
  }));

  // Seed 001's `curl -H "Authorization: JWT <token>" .../api/protected/`: the user it is for.
  app.get('/api/protected/', {
    config: {
      permission: IsAuthenticated, authentication: SEED_001_AUTHENTICATION, name: 'Protected',
      openapi: { tags, responses: { 200: { description: 'The signed-in user.', body: objectSchema({ id: { type: 'integer' }, username: { type: 'string' } }) } } },
    },
  }, async (request) => ({
    id: request.user!.id,
    username: request.user!.username,
  }));

  app.post('/api/login', {
    config: {
      name: 'Login', authentication: [], throttle: 'login', audit: 'login',
      openapi: {
        tags,
        body: credentialFields,
        responses: {
          200: { description: 'A token pair.', body: objectSchema({ refresh: { type: 'string' }, access: { type: 'string' } }) },
          401: { description: 'No active account with these credentials.', body: objectSchema({ detail: { type: 'string' }, code: { type: 'string' } }) },
        },
      },
    },
  }, async (request) => {
    const { username, password } = validate(requestData(request), credentialFields);
    const user = await tessera.users.checkCredentials({ username, password });
    if (!user) throw new AuthenticationFailed('No active account found with the given credentials', 'no_active_account');
    // A user with a second factor gets the challenge; its answer at /api/token/2fa/ gives the pair.
    return orSecondFactorChallenge(request, async () => {
      await tessera.twoFactor.requireSecondFactor(user, { kind: 'pair' });
      const refresh = await RefreshToken.forUser(tessera.tokenContext, user);
      return { refresh: refresh.toString(), access: refresh.accessToken.toString() };
    });
  });

  app.get('/api/restricted', {
    config: {
      permission: IsAuthenticated, name: 'Restricted',
      openapi: { tags, responses: { 200: { description: 'Allowed.', body: objectSchema({ response: { type: 'string' } }) } } },
    },
  }, async () => ({
    response: 'YOU ARE ALLOWED HERE',
  }));
}
