import type { Clock } from '../settings/index.js';
import type { Store } from '../store/index.js';

/** DRF's authtoken (`Authorization: Token <key>`): one key a user. */
export interface AuthTokenUseCases {
  /** `Token.objects.get_or_create(user=...)`: the user's key, made on the first call. */
  obtain(userId: number): Promise<string>;
  /** `drf_create_token -r`: a new key in place of the user's old one. */
  regenerate(userId: number): Promise<string>;
}

export function authTokenUseCases(deps: { store: Store; clock: Clock }): AuthTokenUseCases {
  const { store, clock } = deps;
  return {
    obtain: async (userId) => (await store.authTokens.getOrCreate(userId, new Date(clock()))).token.key,
    regenerate: async (userId) => (await store.authTokens.regenerate(userId, new Date(clock()))).key,
  };
}
