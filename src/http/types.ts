import type { Mailer } from '../accounts/index.js';
import type { Authenticator, Permission, SessionManager, Throttle } from '../auth/index.js';
import type { Keyring, PasswordHashers } from '../crypto/index.js';
import type { AuthenticationClassName, Clock, Settings } from '../settings/index.js';
import type { AuditLog, Counters, RedisConnection, Revocation, Store, User } from '../store/index.js';

import type { CustomClaims, Token, TokenContext } from '../tokens/index.js';

/** What the plugin puts on the Fastify instance as `app.tessera`. */
export interface Tessera {
  settings: Settings;
  store: Store;
  tokens: TokenContext;
  hashers: PasswordHashers;
  /** Sends the account flows' email, as `settings.emailUrl` says. */
  mailer: Mailer;
  /** Django's sessions: `login(user)` gives the `sessionid` cookie's key. */
  sessions: SessionManager;
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
  /** Throttling built from `counters` and `settings.throttleRates` (routes ask with `config.throttle`). */
  throttle: Throttle;
  /**
   * A preHandler that authenticates (with the route config's classes, else the settings') and
   * then applies `permission` (DRF's `initial()`).
   */
  guard(
    permission: Permission,
    config?: import('fastify').FastifyContextConfig,
  ): (request: import('fastify').FastifyRequest) => Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    tessera: Tessera;
    /** preHandler for `IsAuthenticated`, for routes declared the fastify-jwt way. */
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyRequest {
    /** The authenticated user, or null (DRF's `AnonymousUser`). */
    user: User | null;
    /** The validated token that authenticated the request, if any. */
    auth: Token | null;
  }
  interface FastifyContextConfig {
    /** DRF's `permission_classes` for this route; authentication runs first. */
    permission?: Permission;
    /** DRF's `authentication_classes` for this route; default `settings.authenticationClasses`. */
    authentication?: AuthenticationClassName[];
    /** Throttles the route as login, refresh, register or password reset (`settings.throttleRates`). */
    throttle?: import('../auth/index.js').ThrottleScope;
    /** Records the route's successful answers in the audit log as this event (`login`: succeeded or failed). */
    audit?: import('./abuse.js').AuditedAction;
    /** Shown by OPTIONS, as DRF's view name and docstring. */
    name?: string;
    description?: string;
    /** How the API docs describe the route (documentation only; see `RouteDocs`). */
    openapi?: import('./route-docs.js').RouteDocs;
  }
}

export interface TesseraOptions {
  settings: Settings;
  store: Store;
  /** Defaults to the system clock; tests move time with their own. */
  clock?: Clock;
  /** Extra claims in every token pair (seed 003's `is_admin`). */
  customClaims?: CustomClaims;
  hashers?: PasswordHashers;
  /** Defaults to the backend `settings.emailUrl` names. */
  mailer?: Mailer;
  /** URLs for the token views; each may have several spellings (seed 004's `gettoken/`). */
  tokenRoutes?: Partial<Record<'obtain' | 'refresh' | 'verify' | 'blacklist' | 'sliding' | 'slidingRefresh', string[]>>;
}
