import { randomBytes } from 'node:crypto';
import { SignedPayloads } from '../crypto/index.js';
import { AuthenticationFailed, TesseraError } from '../errors.js';
import type { Clock, LoginField, Settings } from '../settings/index.js';

/** Seconds a login challenge may be answered in. */
export const CHALLENGE_LIFETIME = 300;

/** The second factors a challenge may be answered with. */
export const CHALLENGE_METHODS = ['totp', 'recovery_code'] as const;

/**
 * What the password login would have answered, kept in the challenge so its answer can give it:
 * Simple JWT's pair (`device_name` kept; cookie mode is the answering request's), a sliding token, drf-jwt's token (with
 * the view's own drf-jwt settings), DRF's authtoken key, or a Django session.
 */
export type LoginIntent =
  | { kind: 'pair'; deviceName?: string | null }
  | { kind: 'sliding' }
  | { kind: 'drf-jwt'; settings?: Partial<Pick<Settings, 'jwtAllowRefresh' | 'jwtExpirationDelta' | 'jwtRefreshExpirationDelta'>> }
  | { kind: 'authtoken' }
  | { kind: 'session' };

/** The 200 answer of a password login that needs a second factor, instead of its tokens. */
export interface LoginChallenge {
  challenge: string;
  methods: readonly (typeof CHALLENGE_METHODS)[number][];
  expires_in: number;
}

/**
 * Thrown by the password logins (`tokens.obtainPair`, `obtainSliding`, `drfJwt.obtain`, ...) for a
 * user with a second factor: no tokens yet, the `challenge` to answer at `POST /api/token/2fa/`.
 * The views answer it as 200 `{"challenge", "methods", "expires_in"}`; code calling the core
 * directly catches it (`error.challenge`) and calls `twoFactor.completeLogin`.
 */
export class SecondFactorRequired extends TesseraError {
  readonly code = 'second_factor_required';
  constructor(readonly challenge: LoginChallenge, readonly userId: number, readonly username: string, readonly email: string) {
    super('A second factor is required to finish this login.');
    this.name = 'SecondFactorRequired';
  }
}

/** The refusal of a challenge that is forged, expired, answered already, or whose user changed. */
export function challengeNotValid(): AuthenticationFailed {
  return new AuthenticationFailed('Challenge is invalid or expired; sign in again.', 'challenge_not_valid', true);
}

/** A challenge as verified: whose, which, until when, and what the login was for. */
export interface VerifiedChallenge {
  userId: number;
  jti: string;
  expiresAt: Date;
  login: LoginIntent;
}

/** Signs and reads login challenges: HMAC under a key derived from the signing secret, with a lifetime. */
export class LoginChallenges {
  private readonly payloads: SignedPayloads;

  constructor(secret: string, private readonly clock: Clock, private readonly loginField: LoginField = 'username') {
    this.payloads = new SignedPayloads(secret, 'tessera.login-challenge');
  }

  issue(user: { id: number; username: string; email: string }, login: LoginIntent): LoginChallenge {
    const now = Math.floor(this.clock() / 1000);
    // `usr` names the account for the login throttle before the challenge is checked, as the
    // login named it (the email with `loginField: 'email'`), so both steps share one budget.
    const usr = this.loginField === 'email' ? user.email : user.username;
    const challenge = this.payloads.sign({ sub: user.id, usr, jti: randomBytes(16).toString('hex'), exp: now + CHALLENGE_LIFETIME, login });
    return { challenge, methods: CHALLENGE_METHODS, expires_in: CHALLENGE_LIFETIME };
  }

  /** The challenge when it is ours and unexpired; otherwise `challenge_not_valid` (401). */
  verify(challenge: string): VerifiedChallenge {
    const payload = this.payloads.verify(challenge);
    const { sub, jti, exp, login } = payload ?? {};
    if (typeof sub !== 'number' || typeof jti !== 'string' || typeof exp !== 'number' || !isLoginIntent(login)) throw challengeNotValid();
    if (Math.floor(this.clock() / 1000) >= exp) throw challengeNotValid();
    return { userId: sub, jti, expiresAt: new Date(exp * 1000), login };
  }
}

/** The account a challenge names, unverified: for throttling and the audit log only. */
export function challengeAccount(challenge: unknown): string | null {
  const usr = unverifiedPayload(challenge)?.usr;
  return typeof usr === 'string' ? usr : null;
}

/**
 * What login a challenge says it is for, unverified: a session login's answer passes Django's
 * CSRF check before the challenge is spent, as the session login does.
 */
export function challengeLoginKind(challenge: unknown): LoginIntent['kind'] | null {
  const login = unverifiedPayload(challenge)?.login;
  return isLoginIntent(login) ? login.kind : null;
}

function unverifiedPayload(challenge: unknown): Record<string, unknown> | null {
  if (typeof challenge !== 'string' || challenge.length > 4096) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(challenge.split('.')[0] ?? '', 'base64url').toString('utf8'));
    return payload !== null && typeof payload === 'object' ? payload as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

function isLoginIntent(value: unknown): value is LoginIntent {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' && ['pair', 'sliding', 'drf-jwt', 'authtoken', 'session'].includes(kind);
}
