/** HMAC algorithms signed and verified today; asymmetric ones arrive with the keyring. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type Algorithm = (typeof HMAC_ALGORITHMS)[number];

/** DRF's authentication classes tessera has, by the name used in settings and route config. */
export const AUTHENTICATION_CLASSES = ['jwt', 'session', 'token', 'basic', 'drf-jwt'] as const;
export type AuthenticationClassName = (typeof AUTHENTICATION_CLASSES)[number];

/** Every setting tessera reads, with Simple JWT's names in camelCase. Durations are seconds. */
export interface Settings {
  host: string;
  port: number;
  /** `sqlite:PATH` (embedded, the default) or `postgres://user@host:port/db` (many nodes). */
  databaseUrl: string;
  /** PostgreSQL connections per process. */
  databasePoolSize: number;
  /** Seconds to wait for a database connection or query before answering 503. */
  databaseTimeout: number;
  /**
   * `redis://host:port/db`: shared revocation state and counters; empty for none. While Redis is
   * unreachable nothing fails: revocation falls back to the database, counters to memory, one
   * warning is logged, and the connection comes back by itself.
   */
  redisUrl: string;
  /** Prefix of every Redis key tessera writes, so deployments and test runs never collide. */
  redisKeyPrefix: string;
  /** Processes `tessera serve` runs on this machine (node:cluster). */
  workers: number;
  /** Seconds SIGTERM waits for in-flight requests before closing. */
  shutdownTimeout: number;
  /** Folder for the embedded database and the generated signing key. */
  dataDir: string;
  accessTokenLifetime: number;
  refreshTokenLifetime: number;
  rotateRefreshTokens: boolean;
  blacklistAfterRotation: boolean;
  updateLastLogin: boolean;
  algorithm: Algorithm;
  /** Empty means: generate once and keep in `dataDir` (see `resolveSigningKey`). */
  signingKey: string;
  /** Only used by asymmetric algorithms; HMAC verifies with `signingKey`. */
  verifyingKey: string;
  audience: string | null;
  issuer: string | null;
  leeway: number;
  authHeaderTypes: string[];
  /** HTTP header carrying the token, lower-case (Simple JWT's `HTTP_AUTHORIZATION`). */
  authHeaderName: string;
  userIdField: 'id' | 'username';
  userIdClaim: string;
  tokenTypeClaim: string;
  jtiClaim: string;
  checkUserIsActive: boolean;
  /** DRF's `DEFAULT_AUTHENTICATION_CLASSES`, in order; the first one's scheme is the 401 challenge. */
  authenticationClasses: AuthenticationClassName[];
  /** Base URL of this server as users reach it, for links in emails (default from host and port). */
  publicUrl: string;
  /** `console` (print), `file:FOLDER` (one .eml each), or `smtp://` / `smtps://` URL. */
  emailUrl: string;
  /** Django's `DEFAULT_FROM_EMAIL`. */
  emailFrom: string;
  /** Seconds activation and password-reset links stay valid (Django's `PASSWORD_RESET_TIMEOUT`). */
  passwordResetTimeout: number;
  /** djoser's `SEND_ACTIVATION_EMAIL`: new accounts are inactive until the emailed link is used. */
  sendActivationEmail: boolean;
  /** djangorestframework-jwt's `JWT_EXPIRATION_DELTA` for its `{"token"}` endpoints. */
  jwtExpirationDelta: number;
  /** djangorestframework-jwt's `JWT_ALLOW_REFRESH`. */
  jwtAllowRefresh: boolean;
  /** djangorestframework-jwt's `JWT_REFRESH_EXPIRATION_DELTA`, counted from `orig_iat`. */
  jwtRefreshExpirationDelta: number;
  /** djangorestframework-jwt's `JWT_AUTH_HEADER_PREFIX` for the `drf-jwt` authentication class. */
  jwtAuthHeaderPrefix: string;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}
