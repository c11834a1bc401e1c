import { authenticateCredentials } from '../auth/index.js';
import type { PasswordHashers } from '../crypto/index.js';
import { AuthenticationFailed, ValidationError } from '../errors.js';
import type { Settings } from '../settings/index.js';
import type { Store, User } from '../store/index.js';
import {
  blacklistToken, issuePair, issueSliding, reauthenticatedTokens, refreshPair, refreshSliding, verifyToken,
  type SessionInfo, type Token, type TokenContext, type TokenPair,
} from '../tokens/index.js';
import type { LoginIntent } from './login-challenge.js';
import { INVALID_CODE } from './two-factor-use-cases.js';

/** A username and password, as a login form or body gives them. */
export interface Credentials {
  username: string;
  password: string;
}

/** What a refresh answers: a new access token and, with rotation, the successor refresh token. */
export interface RefreshedTokens {
  access: string;
  refresh?: string;
}

/** Simple JWT's token views as plain functions: what every adapter's routes and the CLI call. */
export interface TokenUseCases {
  /**
   * `TokenObtainPairView`: a pair for an active user's right credentials (starting a session
   * with token families; `client` says from where); otherwise `no_active_account` (401), the same
   * answer and the same time for an unknown user, a wrong password and an inactive account. For a
   * user with a second factor it throws `SecondFactorRequired` (its `challenge`) instead.
   */
  obtainPair(credentials: Credentials, client?: SessionInfo): Promise<TokenPair>;
  /** A pair for a user already authenticated (the second half of `obtainPair`), recording the login. */
  issuePair(user: User, client?: SessionInfo): Promise<TokenPair>;
  /** `TokenRefreshView`, rotation and reuse detection included; `onUser` learns whose token it was. */
  refresh(refresh: string, client?: SessionInfo, onUser?: (user: User) => void): Promise<RefreshedTokens>;
  /** `TokenVerifyView`: resolves for any valid token of any type. */
  verify(token: string): Promise<void>;
  /** `TokenBlacklistView`: blacklists a valid refresh token. */
  blacklist(refresh: string): Promise<void>;
  /** `TokenObtainSlidingView`: a sliding token for an active user's right credentials, else `no_active_account` (`SecondFactorRequired` as `obtainPair`). */
  obtainSliding(credentials: Credentials): Promise<{ token: string }>;
  /** A sliding token for a user already authenticated (the second half of `obtainSliding`), recording the login. */
  issueSliding(user: User): Promise<{ token: string }>;
  /** `TokenRefreshSlidingView`: the sliding token renewed while its refresh period lasts. */
  refreshSliding(token: string): Promise<{ token: string }>;
  /**
   * `POST /api/token/reauthenticate/`: the signed-in user's password checked again (400
   * `{"password": ["Invalid password."]}` when wrong), or a TOTP code from their second factor
   * (`{ code }`; 400 `{"code": ["Invalid code."]}` when wrong or used), then tokens whose
   * `auth_time` is now, in the session of `presented` (the token the request came with): a pair,
   * or a sliding token for one.
   */
  reauthenticate(user: User, proof: string | ReauthenticationProof, presented: Token | null): Promise<TokenPair | { token: string }>;
}

/** What re-authentication is proved with: the password, or a code from the user's TOTP device. */
export type ReauthenticationProof = { password: string } | { code: string };

/** The refusal of a wrong password at re-authentication (djoser's message for a wrong current password). */
export const INVALID_PASSWORD = 'Invalid password.';

/** The user whose credentials these are, or null (Django's `authenticate`). */
export type CheckCredentials = (credentials: Credentials) => Promise<User | null>;

export function credentialsChecker(store: Store, hashers: PasswordHashers): CheckCredentials {
  return ({ username, password }) => authenticateCredentials({ users: store.users, hashers }, username, password);
}

/** What the token use cases ask of the second factor (`TwoFactorUseCases`). */
export interface SecondFactorGate {
  requireSecondFactor(user: User, login: LoginIntent): Promise<void>;
  verifyTotp(user: User, code: string): Promise<boolean>;
}

export function tokenUseCases(deps: {
  settings: Settings; store: Store; context: TokenContext; checkCredentials: CheckCredentials; secondFactor: SecondFactorGate;
}): TokenUseCases {
  const { settings, store, context, checkCredentials, secondFactor } = deps;
  /** Django's `update_last_login`, when `updateLastLogin` asks for it. */
  const recordLogin = async (user: User) => {
    if (settings.updateLastLogin) await store.users.setLastLogin(user.id, new Date(context.clock()));
  };
  const issue: TokenUseCases['issuePair'] = async (user, client) => {
    const pair = await issuePair(context, user, client);
    await recordLogin(user);
    return pair;
  };
  /** The user whose credentials these are, once no second factor stands in the way. */
  const activeUser = async (credentials: Credentials, login: LoginIntent) => {
    const user = await checkCredentials(credentials);
    if (!user) throw new AuthenticationFailed('No active account found with the given credentials', 'no_active_account');
    await secondFactor.requireSecondFactor(user, login);
    return user;
  };
  const sliding: TokenUseCases['issueSliding'] = async (user) => {
    const answer = await issueSliding(context, user);
    await recordLogin(user);
    return answer;
  };
  return {
    obtainPair: async (credentials, client) => issue(await activeUser(credentials, { kind: 'pair', deviceName: client?.deviceName ?? null }), client),
    obtainSliding: async (credentials) => sliding(await activeUser(credentials, { kind: 'sliding' })),
    issueSliding: sliding,
    refreshSliding: (token) => refreshSliding(context, token),
    issuePair: issue,
    refresh: (refresh, client = {}, onUser) => refreshPair(context, store.users, refresh, client, onUser),
    verify: (token) => verifyToken(context, token),
    blacklist: (refresh) => blacklistToken(context, refresh),
    reauthenticate: async (user, proof, presented) => {
      const given = typeof proof === 'string' ? { password: proof } : proof;
      let checked: User | null;
      if ('code' in given) {
        // A code from the user's own device, used once; the user as the request authenticated it.
        if (!(await secondFactor.verifyTotp(user, given.code))) throw ValidationError.of('code', INVALID_CODE);
        checked = user;
      } else {
        // Django's `authenticate` again: same hashers, same time for a wrong password as at login.
        checked = await checkCredentials({ username: user.username, password: given.password });
        if (!checked || checked.id !== user.id) throw ValidationError.of('password', INVALID_PASSWORD);
      }
      const answer = await reauthenticatedTokens(context, checked, presented);
      await recordLogin(checked);
      return answer;
    },
  };
}
