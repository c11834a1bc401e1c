import { authenticateCredentials } from '../auth/index.js';
import type { PasswordHashers } from '../crypto/index.js';
import { AuthenticationFailed, ValidationError } from '../errors.js';
import type { LoginField, Settings } from '../settings/index.js';
import type { Store, User } from '../store/index.js';
import type { TesseraMetrics } from '../telemetry/index.js';
import {
  answeredInGrace, blacklistToken, issuePair, issueSliding, reauthenticatedTokens, refreshPair, refreshSliding, verifyToken,
  TOKEN_REUSED, type SessionInfo, type Token, type TokenContext, type TokenPair,
} from '../tokens/index.js';
import type { LoginIntent } from './login-challenge.js';
import { INVALID_CODE } from './two-factor-use-cases.js';

/**
 * A login and password, as a login form or body gives them: `username`, or `email` with
 * `loginField: 'email'`. As Django's `authenticate(username=...)`, a `username` is the account's
 * login whatever `loginField` is (DRF's authtoken and session login forms keep the field's name).
 */
export type Credentials = { username: string; password: string } | { email: string; password: string };

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

/**
 * The one credentials check of every login (token views, drf-jwt, authtoken, session login,
 * re-authentication, the seeds' views): the login named by `loginField` (a `username` counts for
 * either), then Django's `ModelBackend`. Credentials without it fail like a wrong password, in the same time.
 */
export function credentialsChecker(store: Store, hashers: PasswordHashers, loginField: LoginField = 'username'): CheckCredentials {
  const backend = { users: store.users, hashers, loginField };
  return (credentials) => authenticateCredentials(backend, loginOf(credentials, loginField) ?? '', credentials.password);
}

function loginOf(credentials: Credentials, loginField: LoginField): string | undefined {
  const { username, email } = credentials as Partial<Record<'username' | 'email', string>>;
  return loginField === 'email' ? email ?? username : username;
}

/** A user's own credentials, as a check of their password again names them (re-authentication). */
export function credentialsOf(user: User, loginField: LoginField, password: string): Credentials {
  return loginField === 'email' ? { email: user.email, password } : { username: user.username, password };
}

/** What the token use cases ask of the second factor (`TwoFactorUseCases`). */
export interface SecondFactorGate {
  requireSecondFactor(user: User, login: LoginIntent): Promise<void>;
  verifyTotp(user: User, code: string): Promise<boolean>;
}

export function tokenUseCases(deps: {
  settings: Settings; store: Store; context: TokenContext; checkCredentials: CheckCredentials; secondFactor: SecondFactorGate;
  metrics?: TesseraMetrics | null;
}): TokenUseCases {
  const { settings, store, context, checkCredentials, secondFactor } = deps;
  const metrics = deps.metrics ?? null;
  const refresh: TokenUseCases['refresh'] = (presented, client = {}, onUser) => refreshPair(context, store.users, presented, client, onUser);
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
    refresh: metrics ? countedRefresh(refresh, metrics) : refresh,
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
        checked = await checkCredentials(credentialsOf(user, settings.loginField, given.password));
        if (!checked || checked.id !== user.id) throw ValidationError.of('password', INVALID_PASSWORD);
      }
      const answer = await reauthenticatedTokens(context, checked, presented);
      await recordLogin(checked);
      return answer;
    },
  };
}

/** `refresh`, each outcome counted (`tessera_token_refreshes_total{outcome}`). */
function countedRefresh(refresh: TokenUseCases['refresh'], metrics: TesseraMetrics): TokenUseCases['refresh'] {
  return async (presented, client, onUser) => {
    try {
      const answer = await refresh(presented, client, onUser);
      metrics.tokenRefresh(answeredInGrace(answer) ? 'grace' : 'rotated');
      return answer;
    } catch (error) {
      metrics.tokenRefresh((error as { code?: unknown }).code === TOKEN_REUSED.code ? 'reused' : 'refused');
      throw error;
    }
  };
}
