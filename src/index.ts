/**
 * tessera's public API, the package root: the framework-free core (`createTessera`), token
 * classes, errors with codes, password hashers, settings, permissions and the store. A deliberate
 * list, each name documented in docs/api.md; the rest of src/ is internal. Nothing here loads a
 * web framework: the Fastify plugin is `tessera/fastify`.
 */

// The core: the composition root and its use cases.
export { createTessera } from './core/index.js';
export type {
  Tessera, TesseraOptions, TesseraLogger, TokenUseCases, UserUseCases, SessionUseCases,
  Credentials, RefreshedTokens, NewUserInput, EndSessionsOptions, DrfJwtUseCases, DrfJwtOverrides,
  AuthTokenUseCases, KeyUseCases, KeyChangeSource, SigningKeyInfo, MaintenanceUseCases, FlushReport,
  TwoFactorUseCases, TwoFactorStatus, SecondFactorAnswer, LoginChallenge, LoginIntent, CompletedLogin, ReauthenticationProof,
  PermissionUseCases, PermissionClaims, GroupInfo,
  PasskeyUseCases, PasskeyRequestSource,
} from './core/index.js';
export { SecondFactorRequired, TWO_FACTOR_REQUIRED } from './core/index.js';
export type { PasskeyRegistrationResponse, PasskeyAuthenticationResponse, PasskeyOptions } from './passkeys/index.js';

// Settings.
export { loadSettings, DEFAULT_SETTINGS, DEFAULT_THROTTLE_RATES, systemClock } from './settings/index.js';
export type {
  Settings, LoadOptions, Algorithm, HmacAlgorithm, AsymmetricAlgorithm, AuthenticationClassName, AuthTokenClassName,
  ThrottleRateName, ThrottleRates, AuthCookieMode, AuthCookieSameSite, Clock, Jwk,
} from './settings/index.js';

// Errors: each a TesseraError with a stable `code`.
export {
  TesseraError, ValidationError, AuthenticationFailed, NotAuthenticated, InvalidToken, PermissionDenied, NotFound,
  ParseError, ServiceUnavailable, Throttled, InvalidInput,
} from './errors.js';
export { SettingsError, UnknownSettingError } from './settings/index.js';
export { TokenError, BlacklistedTokenError, SessionEnded } from './tokens/index.js';
export { TokenBackendError } from './crypto/index.js';
export { UsernameTakenError } from './store/index.js';
export { EmailTakenError, EMAIL_TAKEN_MESSAGE } from './store/index.js';

// Tokens: Simple JWT's classes.
export { Token, AccessToken, RefreshToken, SlidingToken, UntypedToken } from './tokens/index.js';
export type { TokenClass, TokenContext, TokenPair, CustomClaims, UserDetails, SessionInfo, SecurityEvent } from './tokens/index.js';
export type { Claims } from './crypto/index.js';

// Passwords: Django's hashers and validators.
export { createPasswordHashers } from './crypto/index.js';
export type { PasswordHashers, PasswordHashersOptions, PasswordHasher, VerifyResult, Argon2Params } from './crypto/index.js';
export { validatePassword, DEFAULT_PASSWORD_VALIDATORS } from './accounts/index.js';
export type { PasswordValidator, PasswordUser } from './accounts/index.js';

// Authentication and permissions: DRF's classes, for adapters and routes.
export { AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly, IsAdminUser, Fresh, HasPermission, ModelPermissions, REAUTHENTICATION_REQUIRED } from './auth/index.js';
export type { Permission, PermissionRequest, Authenticator, Authenticated, RequestCredentials } from './auth/index.js';

// Metrics and traces: what `TesseraOptions.metrics` takes (traces need no option: register an OpenTelemetry SDK).
export { prometheusMetrics, PrometheusMetrics } from './telemetry/index.js';
export type { TesseraMetrics, PrometheusMetricsOptions, LoginOutcome, RefreshOutcome, ActiveKey } from './telemetry/index.js';

// Email: what `TesseraOptions.mailer` takes.
export type { Mailer, EmailMessage } from './accounts/index.js';

// The store: opening it, migrations of your own, helpers for your tables.
export { openStore, databaseOptions, engineOf, addIdColumn, writeTransaction, normalizeUsername } from './store/index.js';
export type { Store, Database, DatabaseEngine, DatabaseOptions, MigrationSet, User, NewUser, CoreSchema, FamilyEndReason, UserFields } from './store/index.js';
