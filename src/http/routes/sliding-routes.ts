import type { FastifyInstance } from 'fastify';
import { AuthenticationFailed } from '../../errors.js';
import { issueSliding, refreshSliding } from '../../tokens/index.js';
import { requestData } from '../body.js';
import { charField, validate } from '../../contract/index.js';
import { objectSchema, stringSchema } from '../../contract/index.js';
import { INVALID_CREDENTIALS, TOKEN_REFUSED } from '../../contract/index.js';
import type { TesseraPluginOptions } from '../types.js';

const DEFAULT_URLS = {
  sliding: ['/api/token/sliding/'],
  slidingRefresh: ['/api/token/sliding/refresh/'],
};

/**
 * Simple JWT's `TokenObtainSlidingView` and `TokenRefreshSlidingView`, served when
 * `authTokenClasses` lists `sliding` (a sliding token is useless where the header refuses it).
 * Throttled and audited as login and refresh.
 */
export function registerSlidingRoutes(app: FastifyInstance, urls: TesseraPluginOptions['tokenRoutes'] = {}): void {
  const { tessera } = app;
  const at = { ...DEFAULT_URLS, ...urls };
  const credentialFields = { username: charField(), password: charField() };
  const tokenFields = { token: charField() };
  const slidingAnswer = { description: 'A sliding token.', body: objectSchema({ token: stringSchema() }) };

  for (const url of at.sliding) {
    app.post(url, {
      config: {
        authentication: [],
        throttle: 'login',
        audit: 'login',
        name: 'Token Obtain Sliding',
        description: 'Takes a set of user credentials and returns a sliding JSON web token to prove the\nauthentication of those credentials.',
        openapi: { tags: ['token'], body: credentialFields, responses: { 200: slidingAnswer, 401: INVALID_CREDENTIALS } },
      },
    }, async (request) => {
      const { username, password } = validate(requestData(request), credentialFields);
      const user = await tessera.users.checkCredentials({ username, password });
      if (!user) throw new AuthenticationFailed('No active account found with the given credentials', 'no_active_account');
      const answer = await issueSliding(tessera.tokenContext, user);
      if (tessera.settings.updateLastLogin) await tessera.store.users.setLastLogin(user.id, new Date(tessera.clock()));
      return answer;
    });
  }

  for (const url of at.slidingRefresh) {
    app.post(url, {
      config: {
        authentication: [],
        throttle: 'refresh',
        audit: 'token_refreshed',
        name: 'Token Refresh Sliding',
        description: 'Takes a sliding JSON web token and returns a new, refreshed version if the\ntoken\'s refresh period has not expired.',
        openapi: { tags: ['token'], body: tokenFields, responses: { 200: slidingAnswer, 401: TOKEN_REFUSED } },
      },
    }, async (request) => {
      const { token } = validate(requestData(request), tokenFields);
      return refreshSliding(tessera.tokenContext, token);
    });
  }
}
