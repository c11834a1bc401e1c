import { ValidationError } from '../errors.js';
import type { Settings } from '../settings/index.js';
import type { Store } from '../store/index.js';
import { DRF_JWT_MESSAGES, issueDrfJwt, refreshDrfJwt, verifyDrfJwt, type DrfJwtContext, type TokenContext } from '../tokens/index.js';
import type { User } from '../store/index.js';
import type { CheckCredentials, Credentials, SecondFactorGate } from './token-use-cases.js';

/** drf-jwt settings a set of views may set for itself (seed 003's first project allows refresh). */
export type DrfJwtOverrides = Partial<Pick<Settings, 'jwtAllowRefresh' | 'jwtExpirationDelta' | 'jwtRefreshExpirationDelta'>>;

/**
 * djangorestframework-jwt 1.11's views as plain functions: `{"token": ...}` out, its refusals as
 * `non_field_errors` (400). `overrides` are the drf-jwt settings of one set of views.
 */
export interface DrfJwtUseCases {
  /** `obtain_jwt_token`: a token for an active user's right credentials (`SecondFactorRequired` for a user with a second factor). */
  obtain(credentials: Credentials, overrides?: DrfJwtOverrides): Promise<{ token: string }>;
  /** A token for a user already authenticated (the second half of `obtain`). */
  issue(user: User, overrides?: DrfJwtOverrides): Promise<{ token: string }>;
  /** `refresh_jwt_token`: a token with a new expiry, within the `orig_iat` window (`jwtAllowRefresh`). */
  refresh(token: string, overrides?: DrfJwtOverrides): Promise<{ token: string }>;
  /** `verify_jwt_token`: the token, when it is valid and its user active. */
  verify(token: string, overrides?: DrfJwtOverrides): Promise<{ token: string }>;
}

export function drfJwtUseCases(deps: {
  settings: Settings; store: Store; context: TokenContext; checkCredentials: CheckCredentials; secondFactor: Pick<SecondFactorGate, 'requireSecondFactor'>;
}): DrfJwtUseCases {
  const { settings, store, context: tokens, checkCredentials, secondFactor } = deps;
  const contextFor = (overrides: DrfJwtOverrides = {}): DrfJwtContext => ({ settings: { ...settings, ...overrides }, codec: tokens.codec, clock: tokens.clock });
  return {
    obtain: async (credentials, overrides) => {
      // Django's ModelBackend refuses inactive users, so drf-jwt's "User account is disabled."
      // is never reached on login; they get the credentials message like a wrong password.
      const user = await checkCredentials(credentials);
      if (!user) throw ValidationError.of('non_field_errors', DRF_JWT_MESSAGES.badCredentials);
      await secondFactor.requireSecondFactor(user, { kind: 'drf-jwt', ...(overrides ? { settings: overrides } : {}) });
      return { token: issueDrfJwt(contextFor(overrides), user) };
    },
    issue: async (user, overrides) => ({ token: issueDrfJwt(contextFor(overrides), user) }),
    refresh: async (token, overrides) => ({ token: await refreshDrfJwt(contextFor(overrides), store.users, token) }),
    verify: async (token, overrides) => ({ token: await verifyDrfJwt(contextFor(overrides), store.users, token) }),
  };
}
