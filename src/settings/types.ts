/** HMAC algorithms: one shared secret (`signingKey`) signs and verifies. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
/** Asymmetric algorithms: a private key signs, its public key verifies (and is published as a JWK). */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
] as const;
export const ALGORITHMS = [...HMAC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];
export type Algorithm = HmacAlgorithm | AsymmetricAlgorithm;

/** Simple JWT's `AUTH_TOKEN_CLASSES` tessera has: `AccessToken` and `SlidingToken`, by token type. */
export const AUTH_TOKEN_CLASS_NAMES = ['access', 'sliding'] as const;
export type AuthTokenClassName = (typeof AUTH_TOKEN_CLASS_NAMES)[number];

/** DRF's authentication classes tessera has, by the name used in settings and route config. */
export const AUTHENTICATION_CLASSES = ['jwt', 'session', 'token', 'basic', 'drf-jwt'] as const;
export type AuthenticationClassName = (typeof AUTHENTICATION_CLASSES)[number];

/** What can be throttled, and the rates' names: see `Settings.throttleRates`. */
export const THROTTLE_RATE_NAMES = [
  'login_ip', 'login_account', 'login_account_failures', 'refresh_ip', 'refresh_account',
  'register_ip', 'register_account', 'reset_ip', 'reset_account',
] as const;
export type ThrottleRateName = (typeof THROTTLE_RATE_NAMES)[number];
export type ThrottleRates = Partial<Record<ThrottleRateName, string | null>>;

/** Cookie mode for browsers (`Settings.authCookies`): which tokens travel in `__Host-` cookies. */
export const AUTH_COOKIE_MODES = ['off', 'refresh', 'both'] as const;
export type AuthCookieMode = (typeof AUTH_COOKIE_MODES)[number];
export const AUTH_COOKIE_SAME_SITES = ['Strict', 'Lax'] as const;
export type AuthCookieSameSite = (typeof AUTH_COOKIE_SAME_SITES)[number];

/**
 * Defaults: ASVS 2.2.1's 100 failed logins per account per hour, and per-IP rates a person never
 * reaches by hand but a script soon does.
 */
export const DEFAULT_THROTTLE_RATES: Readonly<ThrottleRates> = Object.freeze({
  login_ip: '30/min',
  login_account_failures: '100/hour',
  refresh_ip: '120/min',
  register_ip: '30/hour',
  reset_ip: '10/hour',
  reset_account: '5/hour',
});

/** Every setting tessera reads, with Simple JWT's names in camelCase. Durations are seconds. */
/** What a login past `sessionsPerUser` does. */
export const SESSION_LIMIT_POLICIES = ['evict', 'refuse'] as const;
export type SessionLimitPolicy = (typeof SESSION_LIMIT_POLICIES)[number];

/** What a login names the account by (djoser's `LOGIN_FIELD`, Django's `USERNAME_FIELD`). */
export const LOGIN_FIELDS = ['username', 'email'] as const;
export type LoginField = (typeof LOGIN_FIELDS)[number];

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
   * SQLite's `synchronous` in WAL mode: `normal` (default) syncs the log at checkpoints, so a
   * commit costs no fsync and a crash of tessera loses nothing, but a power loss or OS crash may
   * undo the last commits; `full` syncs every commit (about 30x fewer writes per second).
   */
  sqliteSynchronous: 'normal' | 'full';
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
  /** Simple JWT's `SLIDING_TOKEN_LIFETIME`: a sliding token's `exp`, renewed by each sliding refresh. */
  slidingTokenLifetime: number;
  /** Simple JWT's `SLIDING_TOKEN_REFRESH_LIFETIME`: the `refresh_exp` claim, after which a sliding token cannot be refreshed. */
  slidingTokenRefreshLifetime: number;
  /**
   * Simple JWT's `AUTH_TOKEN_CLASSES`, in order: the token types `Authorization: Bearer` accepts.
   * Listing `sliding` also serves `/api/token/sliding/` and `/api/token/sliding/refresh/`.
   */
  authTokenClasses: AuthTokenClassName[];
  blacklistAfterRotation: boolean;
  /**
   * Seconds after a rotation during which presenting the rotated refresh token again answers the
   * successor already issued instead of counting as reuse (which ends the whole session).
   */
  refreshGraceWindow: number;
  /**
   * Sessions beyond Simple JWT: each login starts a family (`fam` claim), rotation hands it on,
   * reuse ends it, and `/api/sessions/` lists devices. Off by default so tokens and answers stay
   * exactly Simple JWT's; the per-user cut-offs on account changes work either way.
   */
  tokenFamilies: boolean;
  /**
   * Seconds a session may last from its login, however active; 0 (the default) for no limit.
   * Needs `tokenFamilies`. Past it a refresh answers 401 "Session has expired" and no token of
   * the session outlives it (each `exp` is capped at the session's end).
   */
  sessionAbsoluteLifetime: number;
  /** Seconds a session may go unused (no refresh) before it ends; 0 (the default) for none. Needs `tokenFamilies`. */
  sessionIdleTimeout: number;
  /** Live sessions a user may hold; 0 (the default) for any number. Needs `tokenFamilies`. */
  sessionsPerUser: number;
  /** At `sessionsPerUser`: a login ends the user's oldest session (`evict`, the default) or is refused with 403 (`refuse`). */
  sessionLimitPolicy: SessionLimitPolicy;
  /**
   * Seconds since the login (the access token's `auth_time`) within which password change, email
   * change, account deletion and ending sessions are allowed without re-authenticating
   * (`POST /api/token/reauthenticate/`); older answers 403 `reauthentication_required`.
   * Default 600 (10 minutes). 0 (`off`) turns the check off, puts no `auth_time` in tokens (so
   * they are exactly Simple JWT's, and `Fresh` refuses every token) and serves no reauthenticate view.
   */
  freshLoginMaxAge: number;
  updateLastLogin: boolean;
  algorithm: Algorithm;
  /**
   * HMAC: the shared secret; empty means generate once and keep in `dataDir` (see
   * `resolveSigningKey`). Asymmetric: the private key as PEM, or empty when the database keyring
   * (`tessera keys`) signs or this tessera only verifies.
   */
  signingKey: string;
  /** Asymmetric only: the public key as PEM (derived from `signingKey` when empty); HMAC ignores it. */
  verifyingKey: string;
  /**
   * URL of another tessera's (or any issuer's) JWKS, e.g. `https://auth.example.com/.well-known/jwks.json`:
   * tokens whose `kid` is published there verify here. Empty: none.
   */
  jwkUrl: string;
  /** Seconds a `jwkUrl` answer is trusted: a key removed there stops verifying here within this time. */
  jwkCacheTtl: number;
  /**
   * Seconds a database keyring key signs before the ready server (or a `createTessera` given
   * `scheduleKeyRotation: true`) rotates to a new one of its algorithm; 0 (`off`, the default): only
   * `tessera keys rotate` rotates.
   */
  keyRotationInterval: number;
  /**
   * When set, database keyring private keys are stored sealed (AES-256-GCM) under a key derived
   * from this (HKDF-SHA256): 32 random bytes as base64 or hex, at least 32 characters. Empty: stored as PEM.
   */
  keyEncryptionKey: string;
  /**
   * The Bearer secret other services (`tessera/verify`) send to read `GET /api/token/revocations/`,
   * the feed of ended sessions and per-user cut-offs; empty (the default): the feed is not served.
   */
  revocationFeedToken: string;
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
  /**
   * Seconds an authenticated request may use the user as read by an earlier request of this
   * process, instead of reading it again (changes made through this process are seen at once,
   * others' within this time); 0 reads the user on every request, as Simple JWT does.
   */
  userCacheTtl: number;
  /** DRF's `DEFAULT_AUTHENTICATION_CLASSES`, in order; the first one's scheme is the 401 challenge. */
  authenticationClasses: AuthenticationClassName[];
  /**
   * Cookie mode for browsers (dj-rest-auth's `JWT_AUTH_COOKIE`): `refresh` keeps the refresh token
   * in an HttpOnly `__Host-tessera-refresh` cookie instead of the body, `both` also the access token
   * in `__Host-tessera-access`, which then authenticates like the header; requests using a cookie
   * pass Django's CSRF check. `off` (the default) changes nothing.
   */
  authCookies: AuthCookieMode;
  /** The `SameSite` attribute of those cookies: `Strict` (the default) or `Lax`. */
  authCookieSameSite: AuthCookieSameSite;
  /** Base URL of this server as users reach it, for links in emails (default from host and port). */
  publicUrl: string;
  /**
   * Django's `ALLOWED_HOSTS`: host names (no port) a request's `Host` header may name, since
   * absolute links are built from it; `.example.com` also allows its subdomains, `*` any host.
   * Other hosts get 400. Default: `publicUrl`'s host, `localhost`, `127.0.0.1` and `[::1]`.
   */
  allowedHosts: string[];
  /**
   * django-cors-headers' `CORS_ALLOWED_ORIGINS`: origins (`https://app.example.com`) whose pages
   * may call the API from a browser, credentials included. Default: none, so no
   * `Access-Control-*` header goes to any origin.
   */
  corsAllowedOrigins: string[];
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
  /** The web console at `/console/` (and `GET /` from a browser redirecting there); on by default. */
  console: boolean;
  /** API docs: `GET /openapi.json` (OpenAPI 3.1) and the Swagger UI viewer at `/docs/`; on by default. */
  apiDocs: boolean;
  /** Prometheus metrics at `GET /metrics` on the ready server (loopback only unless `metricsToken` is set); off by default. */
  metrics: boolean;
  /** The Bearer secret a scraper sends for `GET /metrics` from anywhere; empty (the default): loopback clients only. */
  metricsToken: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Throttling of login, refresh, register and password reset (429 with `Retry-After`); on by default. */
  throttleEnabled: boolean;
  /**
   * DRF rates (`N/s|sec|m|min|h|hour|d|day`) by name: `<scope>_ip` and `<scope>_account` count every
   * request of the scope per IP and per account, `login_account_failures` failed logins per
   * account; null turns one off. A partial object changes only the names it gives.
   */
  throttleRates: ThrottleRates;
  /** The issuer an authenticator app shows for a TOTP device (the `otpauth://` URI's); default `tessera`. */
  twoFactorIssuer: string;
  /**
   * Staff must have a second factor: a staff user without a confirmed TOTP device may sign in and
   * enroll, but the staff API answers 403 `two_factor_required` until they do. Off by default
   * (env `TESSERA_2FA_REQUIRED_FOR_STAFF`).
   */
  twoFactorRequiredForStaff: boolean;
  /**
   * Access tokens carry the user's `roles` (group names) and `permissions` (`app_label.codename`),
   * read afresh for each access token (login and refresh); `HasPermission` then reads the claim.
   * Off by default, so tokens stay exactly Simple JWT's.
   */
  permissionClaims: boolean;
  /**
   * What a login names the account by: `username` (the default, Simple JWT's answers exactly) or
   * `email` (djoser's `LOGIN_FIELD`, a Django user model with `USERNAME_FIELD = 'email'`): the
   * token views take `email`, emails match in any ASCII case and no two accounts may share one.
   */
  loginField: LoginField;
  // Passkeys (WebAuthn): the relying party.
  /**
   * The domain passkeys are bound to (WebAuthn's RP ID): `example.com` serves it and its
   * subdomains. Default: `publicUrl`'s host when a browser can use passkeys there (https, or
   * localhost), else `localhost`. Passkeys registered under one RP ID do not work under another.
   */
  webauthnRpId: string;
  /**
   * Origins (`https://app.example.com`) whose pages may register and use passkeys, each on
   * `webauthnRpId`, https unless localhost. Default: `publicUrl` when it is on the RP ID, and
   * `http://localhost:{port}` when the RP ID is `localhost`.
   */
  webauthnOrigins: string[];
  /** The site's name authenticators show beside a passkey. Default `tessera`. */
  webauthnRpName: string;
}
