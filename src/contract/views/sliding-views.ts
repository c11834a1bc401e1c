import type { Tessera } from '../../core/index.js';
import { charField, validate } from '../fields.js';
import { credentialsIn, loginFieldOf } from '../login-fields.js';
import { objectSchema, stringSchema } from '../route-docs.js';
import type { View } from '../view.js';
import { orChallengeDoc, orSecondFactorChallenge } from '../second-factor.js';
import { INVALID_CREDENTIALS, TOKEN_REFUSED, type TokenViewUrls } from './token-views.js';

const DEFAULT_URLS = {
  sliding: ['/api/token/sliding/'],
  slidingRefresh: ['/api/token/sliding/refresh/'],
};

/**
 * Simple JWT's `TokenObtainSlidingView` and `TokenRefreshSlidingView`, for when
 * `authTokenClasses` lists `sliding` (a sliding token is useless where the header refuses it).
 * Throttled and audited as login and refresh.
 */
export function slidingViews(tessera: Tessera, urls: TokenViewUrls = {}): View[] {
  const views: View[] = [];
  const at = { ...DEFAULT_URLS, ...urls };
  const { loginField } = tessera.settings;
  const credentialFields = { ...loginFieldOf(loginField), password: charField() };
  const tokenFields = { token: charField() };
  const slidingAnswer = { description: 'A sliding token.', body: objectSchema({ token: stringSchema() }) };

  for (const url of at.sliding) {
    views.push({
      method: 'POST',
      url,
      config: {
        authentication: [],
        throttle: 'login',
        audit: 'login',
        name: 'Token Obtain Sliding',
        description: 'Takes a set of user credentials and returns a sliding JSON web token to prove the\nauthentication of those credentials.',
        openapi: { tags: ['token'], body: credentialFields, responses: { 200: orChallengeDoc(slidingAnswer), 401: INVALID_CREDENTIALS } },
      },
      handle: async (request) => {
        const input = validate(request.data, credentialFields);
        return orSecondFactorChallenge(request, () => tessera.tokens.obtainSliding(credentialsIn(input, loginField, input.password!)));
      },
    });
  }

  for (const url of at.slidingRefresh) {
    views.push({
      method: 'POST',
      url,
      config: {
        authentication: [],
        throttle: 'refresh',
        audit: 'token_refreshed',
        name: 'Token Refresh Sliding',
        description: 'Takes a sliding JSON web token and returns a new, refreshed version if the\ntoken\'s refresh period has not expired.',
        openapi: { tags: ['token'], body: tokenFields, responses: { 200: slidingAnswer, 401: TOKEN_REFUSED } },
      },
      handle: async (request) => {
        const { token } = validate(request.data, tokenFields);
        return tessera.tokens.refreshSliding(token);
      },
    });
  }
  return views;
}
