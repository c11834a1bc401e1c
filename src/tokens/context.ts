import type { Claims, JwtCodec } from '../crypto/index.js';
import type { Clock, Settings } from '../settings/index.js';
import type { FamilyEndReason, NewTokenFamily, Rotation, TokenFamily, User, UserFields } from '../store/index.js';
import type { FamilyRevocations, TokenBlacklist, UserCutoffs } from './revocation.js';

/** What `customClaims` may read of a user beyond `auth_user`, each read only when called. */
export interface UserDetails {
  /** A custom user model's own columns, as `import-django` kept them (`department`, `phone`). */
  fields(): Promise<UserFields>;
  /** The user's group names. */
  groups(): Promise<string[]>;
  /** The user's effective permissions (`app_label.codename`). */
  permissions(): Promise<string[]>;
}

/**
 * Extra claims for a user's tokens (seed 003's `is_admin`), added when a pair is issued;
 * `details` reads what a custom user model kept (`(await details.fields()).department`).
 */
export type CustomClaims = (user: User, details: UserDetails) => Claims | Promise<Claims>;

const NO_DETAILS: UserDetails = { fields: async () => ({}), groups: async () => [], permissions: async () => [] };

/** The context's custom claims for `user` (none without `customClaims`). */
export async function customClaimsOf(context: TokenContext, user: User): Promise<Claims> {
  if (!context.customClaims) return {};
  return context.customClaims(user, context.userDetails?.(user) ?? NO_DETAILS);
}

/** Sets the claims read afresh for each token that authorizes requests (`accessClaims`). */
export async function addAccessClaims(context: TokenContext, token: { payload: Claims }, user: User): Promise<void> {
  if (context.accessClaims) Object.assign(token.payload, await context.accessClaims(user));
}

/** What every token needs: settings, a codec, a clock, and the blacklist when it is installed. */
export interface TokenContext {
  settings: Pick<
    Settings,
    'accessTokenLifetime' | 'refreshTokenLifetime' | 'userIdField' | 'userIdClaim' | 'tokenTypeClaim' | 'jtiClaim'
    | 'rotateRefreshTokens' | 'blacklistAfterRotation' | 'leeway'
  > & Partial<Pick<Settings, 'refreshGraceWindow' | 'userCacheTtl' | 'sessionAbsoluteLifetime' | 'sessionIdleTimeout' | 'freshLoginMaxAge'>>;
  codec: JwtCodec;
  clock: Clock;
  /** Simple JWT's `token_blacklist` app; null turns outstanding/blacklist tracking off. */
  blacklist: TokenBlacklist | null;
  /**
   * Per-user cut-offs ("log out everywhere", password changes): a token whose `iat` is before
   * its user's cut-off is refused as blacklisted. Absent or null: no cut-offs.
   */
  cutoffs?: UserCutoffs | null;
  customClaims?: CustomClaims;
  /** What `customClaims` reads beyond the user (`UserDetails`); absent, empty details. */
  userDetails?: (user: User) => UserDetails;
  /**
   * Claims read afresh for every access (and sliding) token, at login and at each refresh, never
   * put in refresh tokens: `permissionClaims`'s `roles` and `permissions`. Absent: none.
   */
  accessClaims?: (user: User) => Promise<Claims>;
  /**
   * Refresh token families (sessions): every login starts one, carried as the `fam` claim of its
   * refresh and access tokens. Absent or null: no families, no reuse detection.
   */
  families?: TokenFamilies | null;
  /** Called on security events (refresh token reuse); a no-op by default. Must not throw. */
  onSecurityEvent?: (event: SecurityEvent) => void;
}

/** The claim naming a token's family. */
export const FAMILY_CLAIM = 'fam';

/**
 * OpenID Connect's claim: seconds since the epoch of the login (password, or the last
 * re-authentication) that began the token's session. Refresh, rotation and sliding keep it, as
 * they keep every claim; `Fresh(seconds)` reads it.
 */
export const AUTH_TIME_CLAIM = 'auth_time';

/**
 * Whether logins put `auth_time` in their tokens: while `freshLoginMaxAge` is on (the default).
 * Off, tokens are exactly Simple JWT's, and `Fresh` finds no login time in them.
 */
export function issuesAuthTime(context: TokenContext): boolean {
  return (context.settings.freshLoginMaxAge ?? 0) > 0;
}

/** What tokens need of the session store; the plugin joins the repository and `Revocation`. */
export interface TokenFamilies extends FamilyRevocations {
  /** Starts a session at a login; may end others (`sessionsPerUser`) or refuse the login (403). */
  start(family: NewTokenFamily): Promise<void>;
  touch(family: string, at: Date): Promise<void>;
  /** The session's row (session policy reads its login and last use at a refresh). */
  find(family: string): Promise<TokenFamily | null>;
  rotationOf(jti: string): Promise<Rotation | null>;
  /** Ends the family; `reason` defaults to `logout`. True when this call ended it. */
  revokeFamily(family: string, at: Date, reason?: FamilyEndReason): Promise<boolean>;
}

/** Who logs in from where: recorded on the session a login starts. */
export interface SessionInfo {
  deviceName?: string | null;
  userAgent?: string | null;
  ip?: string | null;
}

/** A security event for the audit log. */
export interface SecurityEvent {
  /** `token_reused`: a rotated refresh token came back after the grace window; its family was ended. */
  type: 'token_reused';
  userId: number | null;
  family: string | null;
  ip: string | null;
}
