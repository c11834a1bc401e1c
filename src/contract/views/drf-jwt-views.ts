import type { DrfJwtOverrides, Tessera } from '../../core/index.js';
import { charField, validate } from '../fields.js';
import { credentialsIn, loginFieldOf } from '../login-fields.js';
import { objectSchema, stringSchema, type RouteDocs } from '../route-docs.js';
import type { View, ViewConfig } from '../view.js';
import { orChallengeDoc, orSecondFactorChallenge } from '../second-factor.js';

/** Where djangorestframework-jwt's three views are served; each may have several spellings. */
export interface DrfJwtViewOptions {
  obtain?: string[];
  refresh?: string[];
  verify?: string[];
  /**
   * The JWT_AUTH of the project these URLs come from, over `tessera.settings`: e.g.
   * `{ jwtAllowRefresh: true }` for a refresh view whose obtain view issues `orig_iat`.
   */
  settings?: DrfJwtOverrides;
}

/**
 * djangorestframework-jwt 1.11's `obtain_jwt_token`, `refresh_jwt_token` and `verify_jwt_token`:
 * `{"token": ...}` out, drf-jwt's messages as `non_field_errors`.
 */
export function drfJwtViews(tessera: Tessera, options: DrfJwtViewOptions): View[] {
  const views: View[] = [];
  const overrides = options.settings ?? {};
  // drf-jwt's views have no authentication and no permission classes.
  const config: ViewConfig = { authentication: [] };
  // drf-jwt names the login's field after `USERNAME_FIELD` (`get_username_field()`), as Simple JWT does.
  const { loginField } = tessera.settings;
  const credentialFields = { ...loginFieldOf(loginField), password: charField() };
  const tokenFields = { token: charField() };
  const docs = (body: RouteDocs['body'], description: string): RouteDocs => ({
    tags: ['drf-jwt'],
    ...(body ? { body } : {}),
    responses: {
      200: { description, body: objectSchema({ token: stringSchema('A djangorestframework-jwt token, sent as `JWT <token>`.') }) },
      400: { description: 'Invalid input, or drf-jwt\'s refusal in `non_field_errors`.', body: { $ref: '#/components/schemas/ValidationErrors' } },
    },
  });

  for (const url of options.obtain ?? []) {
    views.push({
      method: 'POST',
      url,
      config: {
        ...config,
        throttle: 'login',
        audit: 'login',
        name: 'Obtain Json Web Token',
        description: 'API View that receives a POST with a user\'s username and password.\n\nReturns a JSON Web Token that can be used for authenticated requests.',
        openapi: (() => {
          const obtainDocs = docs(credentialFields, 'A token for these credentials.');
          return { ...obtainDocs, responses: { ...obtainDocs.responses, 200: orChallengeDoc(obtainDocs.responses![200]!) } };
        })(),
      },
      handle: async (request) => {
        const input = validate(request.data, credentialFields);
        return orSecondFactorChallenge(request, () => tessera.drfJwt.obtain(credentialsIn(input, loginField, input.password!), overrides));
      },
    });
  }

  for (const url of options.refresh ?? []) {
    views.push({
      method: 'POST',
      url,
      config: {
        ...config,
        throttle: 'refresh',
        audit: 'token_refreshed',
        name: 'Refresh Json Web Token',
        description: 'API View that returns a refreshed token (with new expiration) based on\nexisting token\n\n'
          + 'If \'orig_iat\' field (original issued-at-time) is found, will first check\nif it\'s within expiration window, then copy it to the new token',
        openapi: docs(tokenFields, 'A refreshed token.'),
      },
      handle: async (request) => {
        const { token } = validate(request.data, tokenFields);
        return tessera.drfJwt.refresh(token, overrides);
      },
    });
  }

  for (const url of options.verify ?? []) {
    views.push({
      method: 'POST',
      url,
      config: {
        ...config,
        name: 'Verify Json Web Token',
        description: 'API View that checks the veracity of a token, returning the token if it\nis valid.',
        openapi: docs(tokenFields, 'The token, which is valid.'),
      },
      handle: async (request) => {
        const { token } = validate(request.data, tokenFields);
        return tessera.drfJwt.verify(token, overrides);
      },
    });
  }
  return views;
}
