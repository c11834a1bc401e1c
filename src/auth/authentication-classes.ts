import type { Authenticator } from './authenticator.js';
import { BasicAuthentication } from './basic-authentication.js';
import { DrfJwtAuthentication } from './drf-jwt-authentication.js';
import { EitherJwtAuthentication } from './either-jwt-authentication.js';
import { JWTAuthentication } from './jwt-authentication.js';
import { SessionAuthentication } from './session-authentication.js';
import type { SessionManager } from './sessions.js';
import { TokenAuthentication } from './token-authentication.js';
import type { PasswordHashers } from '../crypto/index.js';
import type { AuthenticationClassName, Settings } from '../settings/index.js';
import type { Store } from '../store/index.js';
import type { TokenContext } from '../tokens/index.js';

export interface AuthenticatorDeps {
  settings: Settings;
  store: Store;
  tokens: TokenContext;
  hashers: PasswordHashers;
  /** Django's sessions, shared with the login and logout views. */
  sessions: SessionManager;
}

/** One instance of each authentication class, by its settings name. */
export function createAuthenticators(deps: AuthenticatorDeps): Map<AuthenticationClassName, Authenticator> {
  const { settings, store, tokens, hashers, sessions } = deps;
  const simpleJwt = new JWTAuthentication(tokens, store.users, settings);
  const drfJwt = new DrfJwtAuthentication({ settings, codec: tokens.codec, clock: tokens.clock }, store.users, settings.jwtAuthHeaderPrefix);
  const all = new Map<AuthenticationClassName, Authenticator>([
    ['jwt', simpleJwt],
    ['basic', new BasicAuthentication({ users: store.users, hashers, loginField: settings.loginField }, (userId) => store.twoFactor.isEnabled(userId))],
    ['token', new TokenAuthentication(store.authTokens, store.users)],
    ['session', new SessionAuthentication(sessions, { publicUrl: settings.publicUrl })],
    ['drf-jwt', drfJwt],
  ]);
  EITHER_JWT.set(all, new Map([true, false].map((simpleFirst) => [
    simpleFirst, new EitherJwtAuthentication(simpleJwt, drfJwt, simpleFirst, tokens, settings),
  ])));
  return all;
}

/**
 * The authenticators named, in order; a name with no class yet is a configuration error.
 * `jwt` and `drf-jwt` listed together become one class that takes both kinds of token (see
 * `EitherJwtAuthentication`), at the place of the first of the two.
 */
export function pickAuthenticators(
  all: Map<AuthenticationClassName, Authenticator>,
  names: readonly AuthenticationClassName[],
): Authenticator[] {
  const picked = names.map((name) => {
    const authenticator = all.get(name);
    if (!authenticator) throw new Error(`authentication class ${JSON.stringify(name)} is not available`);
    return authenticator;
  });
  const simple = names.indexOf('jwt');
  const drf = names.indexOf('drf-jwt');
  if (simple < 0 || drf < 0) return picked;
  const either = EITHER_JWT.get(all)?.get(simple < drf);
  if (!either) throw new Error('authentication classes "jwt" and "drf-jwt" together need createAuthenticators');
  return picked.flatMap((authenticator, i) => (i === Math.min(simple, drf) ? [either] : i === Math.max(simple, drf) ? [] : [authenticator]));
}

/** The combined `jwt` + `drf-jwt` class, in each order, for each set `createAuthenticators` made. */
const EITHER_JWT = new WeakMap<Map<AuthenticationClassName, Authenticator>, Map<boolean, EitherJwtAuthentication>>();
