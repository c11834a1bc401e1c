import type { User } from '../store/index.js';
import type { SessionInfo, TokenPair } from '../tokens/index.js';
import type { AuthTokenUseCases } from './auth-token-use-cases.js';
import type { DrfJwtUseCases } from './drf-jwt-use-cases.js';
import type { TokenUseCases } from './token-use-cases.js';
import type { SecondFactorAnswer, TwoFactorUseCases } from './two-factor-use-cases.js';

/** What a login answers once its challenge is: what the password login would have answered. */
export type CompletedLogin =
  | { kind: 'pair'; user: User; pair: TokenPair }
  | { kind: 'sliding' | 'drf-jwt' | 'authtoken'; user: User; token: string }
  /** A Django session login: the caller starts the session (it owns the cookies). */
  | { kind: 'session'; user: User };

/**
 * `POST /api/token/2fa/`: the challenge answered (`twoFactor.answerChallenge`), then what the
 * password login was for, issued as that login issues it (a pair in a new session with the first
 * call's `device_name`, a sliding token, drf-jwt's token with its view's settings, the authtoken key).
 */
export function loginCompletion(deps: {
  twoFactor: Pick<TwoFactorUseCases, 'answerChallenge'>; tokens: TokenUseCases; drfJwt: DrfJwtUseCases; authTokens: AuthTokenUseCases;
}) {
  const { twoFactor, tokens, drfJwt, authTokens } = deps;
  return async (challenge: string, answer: SecondFactorAnswer, client: SessionInfo = {}): Promise<CompletedLogin> => {
    const { user, login } = await twoFactor.answerChallenge(challenge, answer);
    switch (login.kind) {
      case 'pair':
        return { kind: 'pair', user, pair: await tokens.issuePair(user, { ...client, deviceName: login.deviceName ?? null }) };
      case 'sliding':
        return { kind: 'sliding', user, token: (await tokens.issueSliding(user)).token };
      case 'drf-jwt':
        return { kind: 'drf-jwt', user, token: (await drfJwt.issue(user, login.settings)).token };
      case 'authtoken':
        return { kind: 'authtoken', user, token: await authTokens.obtain(user.id) };
      case 'session':
        return { kind: 'session', user };
    }
  };
}
