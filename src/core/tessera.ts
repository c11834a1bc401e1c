import type { Accounts, Mailer } from '../accounts/index.js';
import type { Authenticated, Authenticator, RequestCredentials, SessionManager, Throttle } from '../auth/index.js';
import type { Keyring, PasswordHashers } from '../crypto/index.js';
import type { AuthenticationClassName, Clock, Settings } from '../settings/index.js';
import type { AuditLog, Counters, MigrationSet, RedisConnection, Store } from '../store/index.js';
import type { TesseraMetrics } from '../telemetry/index.js';
import type { CustomClaims, Revocation, TokenContext } from '../tokens/index.js';
import type { AuthTokenUseCases } from './auth-token-use-cases.js';
import type { DrfJwtUseCases } from './drf-jwt-use-cases.js';
import type { KeyUseCases } from './key-use-cases.js';
import type { MaintenanceUseCases } from './maintenance-use-cases.js';
import type { PermissionUseCases } from './permission-use-cases.js';
import type { PasskeyUseCases } from './passkey-use-cases.js';
import type { SessionUseCases } from './session-use-cases.js';
import type { TokenUseCases } from './token-use-cases.js';
import type { UserUseCases } from './user-use-cases.js';
import type { TwoFactorUseCases } from './two-factor-use-cases.js';

/** Where tessera says what happened that no request answer carries (Redis gone, a failed audit write). */
export interface TesseraLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, detail?: Record<string, unknown>): void;
}

/** What `createTessera` is built from. */
export interface TesseraOptions {
  settings: Settings;
  /** An open store; without one, `createTessera` opens `settings.databaseUrl` and closes it with itself. */
  store?: Store;
  /** Defaults to the system clock; tests move time with their own. */
  clock?: Clock;
  /** Extra claims in every token pair (seed 003's `is_admin`). */
  customClaims?: CustomClaims;
  hashers?: PasswordHashers;
  /** Defaults to the backend `settings.emailUrl` names. */
  mailer?: Mailer;
  /** Defaults to nothing logged. */
  logger?: TesseraLogger;
  /**
   * Rotate the database keyring every `settings.keyRotationInterval` on a timer (checked at
   * `ready()` and then every minute at most). The ready server turns it on; a long-running
   * application opts in with `true`. Off by default, so one-shot scripts and CLI commands never rotate.
   */
  scheduleKeyRotation?: boolean;
  /**
   * Where logins, refreshes, ended sessions, throttles and request times are counted:
   * `prometheusMetrics()` (then serve `metrics.registry` from your own `/metrics`). Default: those
   * series when `settings.metrics` is on, else nothing (no cost).
   */
  metrics?: TesseraMetrics;
}

/**
 * tessera without a web framework: the database, Redis, the keyring, revocation, throttles,
 * the audit log and the email outbox, built once from settings and shared by every adapter,
 * the ready server and the CLI.
 */
export interface Tessera {
  settings: Settings;
  /** Where the core and its adapters log (silent unless given). */
  logger: TesseraLogger;
  /** Where the core and its adapters count (`TesseraOptions.metrics`); null when metrics are off. */
  metrics: TesseraMetrics | null;
  store: Store;
  /** What every token is made and checked with: settings, codec, clock, blacklist, cut-offs, families. */
  tokenContext: TokenContext;
  hashers: PasswordHashers;
  /** Sends the account flows' email, as `settings.emailUrl` says. */
  mailer: Mailer;
  /** Django's session logins: `login(user)` gives the `sessionid` cookie's key. */
  sessionLogins: SessionManager;
  /** One instance of each authentication class, by settings name. */
  authenticationClasses: Map<AuthenticationClassName, Authenticator>;
  clock: Clock;
  /** The Redis link (`status()`, `ping()`), or null when `settings.redisUrl` is empty. */
  redis: RedisConnection | null;
  /**
   * Revocation state shared by every process: blacklisted jtis and per-user cut-offs
   * (`revokeAllForUser(userId, at)`, `cutoffFor(userId)`), through Redis when configured.
   */
  revocation: Revocation;
  /** Fixed-window counters for throttling: shared through Redis when up, this process's otherwise. */
  counters: Counters;
  /** Every signing and verifying key by kid (database keyring, settings key, `jwkUrl`); `published()` is the JWKS. */
  keyring: Keyring;
  /**
   * The audit log (`tessera_audit_event`): `record({ type, userId, username, ip, userAgent, detail })`
   * never throws; `list(filters)` reads it. Never put a password, hash or token in an event.
   */
  audit: AuditLog;
  /** Throttling built from `counters` and `settings.throttleRates`. */
  throttle: Throttle;
  /** Simple JWT's token views as plain functions: `obtainPair`, `refresh`, `verify`, `blacklist`. */
  tokens: TokenUseCases;
  /** Users: `create` (hashing the password), `checkCredentials`, `changePassword` (ending their sessions). */
  users: UserUseCases;
  /** Ending sessions: `endAll(userId, { reason, keep })`. */
  sessions: SessionUseCases;
  /**
   * djoser's account flows: `register`, `activate`, `resendActivation`, `setPassword`,
   * `resetPassword`, `confirmPasswordReset`, `setUsername`, `updateEmail`, `deleteUser`; their
   * email goes out through `mailer` after the call returns.
   */
  accounts: Accounts;
  /** djangorestframework-jwt's views: `obtain`, `refresh`, `verify`. */
  drfJwt: DrfJwtUseCases;
  /** DRF's authtoken keys: `obtain(userId)`, `regenerate(userId)`. */
  authTokens: AuthTokenUseCases;
  /**
   * The second factor (TOTP and recovery codes): enrollment (`beginTotp`, `confirmTotp`,
   * `disableTotp`, `regenerateRecoveryCodes`, `status`), the login challenge every password login
   * raises for its users (`SecondFactorRequired`) and `completeLogin`, and `assertStaffMayAct`.
   */
  twoFactor: TwoFactorUseCases;
  /** The database keyring: `generate`, `rotate`, `list` (audited; this process reloads at once). */
  keys: KeyUseCases;
  /** Cron work: `flushExpiredTokens()`, `flushAuditLog(cutoff)`. */
  maintenance: MaintenanceUseCases;
  /**
   * Django's groups and permissions: `groupsOf`, `permissionsOf` (user's ∪ groups'; all for an
   * active superuser), `hasPermission`, `grant`/`revoke`, `addToGroup`/`removeFromGroup`,
   * `createGroup`, `grantToGroup`; and a custom user model's own columns (`fieldsOf`).
   */
  permissions: PermissionUseCases;
  /**
   * Passkeys (WebAuthn): `registrationOptions`, `register`, `list`, `remove` for a signed-in user;
   * `authenticationOptions`, `authenticate` to sign in with one (a pair, as a login).
   */
  passkeys: PasskeyUseCases;
  /**
   * DRF's `request.user`: the authentication classes (`names`, else the settings'), in order,
   * over a request's method and headers: `{ user, token }`, null without credentials, a coded
   * error for bad ones.
   */
  authenticate(request: RequestCredentials, names?: readonly AuthenticationClassName[]): Promise<Authenticated | null>;
  /** The authenticators `names` (else the settings' `authenticationClasses`) pick, in order; the same array for the same names. */
  authenticatorsFor(names?: readonly AuthenticationClassName[]): Authenticator[];
  /** Starts what reads the database (the keyring, revocation state, Redis); once, however often called. */
  ready(): Promise<void>;
  /** Applies tessera's migrations, then each set's (each tracked under its owner), then `ready()`; answers the names applied. */
  migrate(...sets: MigrationSet[]): Promise<string[]>;
  /** Stops timers and connections, writes what the audit log holds, closes the store if it opened it. */
  close(): Promise<void>;
}
