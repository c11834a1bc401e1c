import { JWTAuthentication, type Authenticator } from '../auth/index.js';
import type { AuthenticationClassName, Settings } from '../settings/index.js';
import type { Store } from '../store/index.js';
import type { TokenContext } from '../tokens/index.js';

export interface AuthenticatorDeps {
  settings: Settings;
  store: Store;
  tokens: TokenContext;
}

/** One instance of each authentication class, by its settings name. */
export function createAuthenticators(deps: AuthenticatorDeps): Map<AuthenticationClassName, Authenticator> {
  const { settings, store, tokens } = deps;
  return new Map<AuthenticationClassName, Authenticator>([
    ['jwt', new JWTAuthentication(tokens, store.users, settings)],
  ]);
}

/** The authenticators named, in order; a name with no class yet is a configuration error. */
export function pickAuthenticators(
  all: Map<AuthenticationClassName, Authenticator>,
  names: readonly AuthenticationClassName[],
): Authenticator[] {
  return names.map((name) => {
    const authenticator = all.get(name);
    if (!authenticator) throw new Error(`authentication class ${JSON.stringify(name)} is not available`);
    return authenticator;
  });
}
