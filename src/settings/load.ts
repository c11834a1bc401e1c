import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_SETTINGS } from './defaults.js';
import { SettingsError } from './errors.js';
import { isHmacAlgorithm, parsePrivateKeyFor, parsePublicKeyFor } from './algorithms.js';
import {
  ALGORITHMS, AUTH_COOKIE_MODES, AUTH_COOKIE_SAME_SITES, AUTH_TOKEN_CLASS_NAMES, AUTHENTICATION_CLASSES, LOGIN_FIELDS, SESSION_LIMIT_POLICIES,
  type AsymmetricAlgorithm, type Settings,
} from './types.js';
import {
  parseBoolean, parseCount, parseDurationOrOff, parseDatabaseUrl, parseDuration, parseEmailUrl, parseHeaderName, parseListOf, parseNonEmptyString,
  parseBearerSecret, parseJwkUrl, parseOneOf, parseOptionalString, parsePort, parsePositiveDuration, parsePositiveInteger, parsePublicUrl, parseRedisUrl, parseString, parseStringList,
} from './values.js';
import { parseThrottleRates } from './throttle-rates.js';
import { defaultAllowedHosts, parseAllowedHosts } from './allowed-hosts.js';
import { parseCorsOrigins } from './cors-origins.js';
import { defaultRelyingParty, originProblem, parseRpId, parseWebauthnOrigins } from './webauthn.js';
import { refuseUnknownKeys, refuseUnknownVariables } from './known-names.js';

type Parser<K extends keyof Settings> = (value: unknown) => Settings[K];

/** How each setting is parsed; the environment name is derived from the key (`port` -> `TESSERA_PORT`). */
const PARSERS: { [K in keyof Settings]: Parser<K> } = {
  host: parseNonEmptyString,
  port: parsePort,
  databaseUrl: parseDatabaseUrl,
  dataDir: parseNonEmptyString,
  databasePoolSize: parsePositiveInteger,
  databaseTimeout: parsePositiveDuration,
  sqliteSynchronous: parseOneOf(['normal', 'full'] as const),
  redisUrl: parseRedisUrl,
  redisKeyPrefix: parseString,
  workers: parsePositiveInteger,
  shutdownTimeout: parseDuration,
  accessTokenLifetime: parseDuration,
  refreshTokenLifetime: parseDuration,
  rotateRefreshTokens: parseBoolean,
  slidingTokenLifetime: parseDuration,
  slidingTokenRefreshLifetime: parseDuration,
  authTokenClasses: parseListOf(AUTH_TOKEN_CLASS_NAMES),
  blacklistAfterRotation: parseBoolean,
  refreshGraceWindow: parseDuration,
  tokenFamilies: parseBoolean,
  sessionAbsoluteLifetime: parseDuration,
  sessionIdleTimeout: parseDuration,
  sessionsPerUser: parseCount,
  sessionLimitPolicy: parseOneOf(SESSION_LIMIT_POLICIES),
  freshLoginMaxAge: parseDurationOrOff,
  updateLastLogin: parseBoolean,
  algorithm: parseOneOf(ALGORITHMS),
  signingKey: parseString,
  verifyingKey: parseString,
  jwkUrl: parseJwkUrl,
  jwkCacheTtl: parsePositiveDuration,
  keyRotationInterval: parseDurationOrOff,
  keyEncryptionKey: parseBearerSecret,
  revocationFeedToken: parseBearerSecret,
  audience: parseOptionalString,
  issuer: parseOptionalString,
  leeway: parseDuration,
  authHeaderTypes: parseStringList,
  authHeaderName: parseHeaderName,
  userIdField: parseOneOf(['id', 'username'] as const),
  userIdClaim: parseNonEmptyString,
  tokenTypeClaim: parseNonEmptyString,
  jtiClaim: parseNonEmptyString,
  checkUserIsActive: parseBoolean,
  userCacheTtl: parseDuration,
  authenticationClasses: parseListOf(AUTHENTICATION_CLASSES),
  authCookies: parseOneOf(AUTH_COOKIE_MODES),
  authCookieSameSite: parseOneOf(AUTH_COOKIE_SAME_SITES),
  publicUrl: parsePublicUrl,
  allowedHosts: parseAllowedHosts,
  corsAllowedOrigins: parseCorsOrigins,
  emailUrl: parseEmailUrl,
  emailFrom: parseNonEmptyString,
  passwordResetTimeout: parseDuration,
  sendActivationEmail: parseBoolean,
  jwtExpirationDelta: parseDuration,
  jwtAllowRefresh: parseBoolean,
  jwtRefreshExpirationDelta: parseDuration,
  jwtAuthHeaderPrefix: parseNonEmptyString,
  bodyLimit: parsePositiveInteger,
  console: parseBoolean,
  apiDocs: parseBoolean,
  metrics: parseBoolean,
  metricsToken: parseBearerSecret,
  logLevel: parseOneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
  throttleEnabled: parseBoolean,
  throttleRates: parseThrottleRates,
  twoFactorIssuer: parseNonEmptyString,
  twoFactorRequiredForStaff: parseBoolean,
  permissionClaims: parseBoolean,
  loginField: parseOneOf(LOGIN_FIELDS),
  webauthnRpId: parseRpId,
  webauthnOrigins: parseWebauthnOrigins,
  webauthnRpName: parseNonEmptyString,
};

/** Environment names that are not derived from the key (the issue's shorter spelling). */
const ENV_NAMES: Partial<Record<keyof Settings, string>> = {
  twoFactorIssuer: 'TESSERA_2FA_ISSUER',
  twoFactorRequiredForStaff: 'TESSERA_2FA_REQUIRED_FOR_STAFF',
};

export const SETTING_NAMES = Object.keys(PARSERS) as (keyof Settings)[];

/** `accessTokenLifetime` -> `TESSERA_ACCESS_TOKEN_LIFETIME`. */
export function envName(key: keyof Settings): string {
  return ENV_NAMES[key] ??  `TESSERA_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export interface LoadOptions {
  /** Environment to read `TESSERA_*` from; the CLI passes `process.env`. */
  env?: Record<string, string | undefined>;
  /** Config file; default `tessera.config.json` in `cwd` when it exists (or `TESSERA_CONFIG`). */
  configFile?: string;
  cwd?: string;
  /** Values that win over file and environment (tests, embedding). */
  overrides?: Partial<Settings>;
}

/** Defaults, then the config file, then `TESSERA_*` variables, then overrides; validated. */
export function loadSettings(options: LoadOptions = {}): Settings {
  const env = options.env ?? {};
  const cwd = options.cwd ?? '.';
  // A misspelt name would leave its setting at the default without a word: refuse it first.
  refuseUnknownVariables(env, new Set(SETTING_NAMES.map(envName)));
  refuseUnknownKeys(options.overrides ?? {}, SETTING_NAMES);
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    authHeaderTypes: [...DEFAULT_SETTINGS.authHeaderTypes],
    authenticationClasses: [...DEFAULT_SETTINGS.authenticationClasses],
    authTokenClasses: [...DEFAULT_SETTINGS.authTokenClasses],
    corsAllowedOrigins: [...DEFAULT_SETTINGS.corsAllowedOrigins],
    webauthnOrigins: [...DEFAULT_SETTINGS.webauthnOrigins],
  };
  // Where each value came from, so an error names what the user wrote (TESSERA_PORT, file: port).
  const sources: Partial<Record<keyof Settings, string>> = {};
  const assign = (key: keyof Settings, value: unknown, source: string) => {
    if (!isSettingName(key)) {
      throw new SettingsError(source, `is not a setting; known settings are ${SETTING_NAMES.join(', ')}`);
    }
    try {
      (settings as unknown as Record<string, unknown>)[key] = PARSERS[key](value);
    } catch (error) {
      throw new SettingsError(source, (error as Error).message);
    }
    sources[key] = source;
  };

  const file = options.configFile ?? env.TESSERA_CONFIG ?? 'tessera.config.json';
  const filePath = resolve(cwd, file);
  const explicitFile = options.configFile !== undefined || env.TESSERA_CONFIG !== undefined;
  if (existsSync(filePath)) {
    const values = readConfigFile(filePath);
    refuseUnknownKeys(values, SETTING_NAMES, ` in ${file}`);
    for (const [key, value] of Object.entries(values)) {
      assign(key as keyof Settings, value, `${file}: ${key}`);
    }
  } else if (explicitFile) {
    throw new SettingsError('TESSERA_CONFIG', `${filePath} does not exist`);
  }

  for (const key of SETTING_NAMES) {
    const value = env[envName(key)];
    if (value !== undefined) assign(key, value, envName(key));
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    assign(key as keyof Settings, value, key);
  }
  if (!settings.publicUrl) {
    const host = settings.host === '0.0.0.0' || settings.host === '::' ? '127.0.0.1' : settings.host;
    settings.publicUrl = `http://${host.includes(':') ? `[${host}]` : host}:${settings.port}`;
  }
  if (!sources.allowedHosts) settings.allowedHosts = defaultAllowedHosts(settings.publicUrl);
  // The embedded database lives in the data folder unless a URL says otherwise.
  if (!sources.databaseUrl) settings.databaseUrl = `sqlite:${settings.dataDir.replace(/\/+$/, '')}/tessera.sqlite3`;
  settleRelyingParty(settings, sources);
  return checkCombination(settings, (key) => sources[key] ?? key);
}

/**
 * Passkeys' relying party: what is not set is derived from `publicUrl` (defaults that always
 * agree); what is set must agree, or every passkey would fail in the browser, so it stops the start.
 */
function settleRelyingParty(settings: Settings, sources: Partial<Record<keyof Settings, string>>): void {
  const derived = defaultRelyingParty(settings.publicUrl, settings.port, settings.webauthnRpId);
  settings.webauthnRpId = derived.rpId;
  if (!sources.webauthnOrigins) settings.webauthnOrigins = derived.origins;
  const origins = sources.webauthnOrigins ?? 'webauthnOrigins';
  if (settings.webauthnOrigins.length === 0) {
    throw new SettingsError(origins, `no origin can use passkeys on webauthnRpId ${settings.webauthnRpId} (publicUrl ${settings.publicUrl} is not on it); list the pages' origins, e.g. TESSERA_WEBAUTHN_ORIGINS=https://${settings.webauthnRpId}`);
  }
  for (const origin of settings.webauthnOrigins) {
    const problem = originProblem(origin, settings.webauthnRpId);
    if (problem) throw new SettingsError(origins, `${problem}; set webauthnRpId (TESSERA_WEBAUTHN_RP_ID) and webauthnOrigins (TESSERA_WEBAUTHN_ORIGINS) to agree`);
  }
}

/** Own keys only: `toString` or `__proto__` in a config file is not a setting. */
function isSettingName(key: string): key is keyof Settings {
  return Object.hasOwn(PARSERS, key);
}

function readConfigFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SettingsError(path, `is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SettingsError(path, 'must hold a JSON object of settings');
  }
  return parsed as Record<string, unknown>;
}

/** Rules that involve more than one setting. */
function checkCombination(settings: Settings, sourceOf: (key: keyof Settings) => string): Settings {
  if (settings.accessTokenLifetime <= 0) {
    throw new SettingsError(sourceOf('accessTokenLifetime'), 'must be longer than 0 seconds');
  }
  if (settings.refreshTokenLifetime <= 0) {
    throw new SettingsError(sourceOf('refreshTokenLifetime'), 'must be longer than 0 seconds');
  }
  for (const key of ['slidingTokenLifetime', 'slidingTokenRefreshLifetime'] as const) {
    if (settings[key] <= 0) throw new SettingsError(sourceOf(key), 'must be longer than 0 seconds');
  }
  // Session policy lives on token families: without them there is no session to end.
  for (const key of ['sessionAbsoluteLifetime', 'sessionIdleTimeout', 'sessionsPerUser'] as const) {
    if (settings[key] > 0 && !settings.tokenFamilies) {
      throw new SettingsError(sourceOf(key), 'needs tokenFamilies: true (TESSERA_TOKEN_FAMILIES=true), which keeps the sessions it ends');
    }
  }
  if (settings.authTokenClasses.length === 0) {
    throw new SettingsError(sourceOf('authTokenClasses'), 'must name at least one of access, sliding');
  }
  if (!isHmacAlgorithm(settings.algorithm)) return checkAsymmetricKeys(settings, sourceOf);
  if (settings.signingKey && Buffer.byteLength(settings.signingKey) < 32) {
    throw new SettingsError(
      sourceOf('signingKey'),
      `an ${settings.algorithm} key must be at least 32 bytes (got ${Buffer.byteLength(settings.signingKey)}); leave it unset to have one generated`,
    );
  }
  return settings;
}

/**
 * An asymmetric algorithm's keys are parsed now (node:crypto), so a key of the wrong type for the
 * algorithm (an RSA key for ES256), a malformed PEM or a mismatched pair is a settings error at
 * start rather than a failure at the first login.
 */
function checkAsymmetricKeys(settings: Settings, sourceOf: (key: keyof Settings) => string): Settings {
  const alg = settings.algorithm as AsymmetricAlgorithm;
  let privateKey;
  if (settings.signingKey) {
    try {
      privateKey = parsePrivateKeyFor(alg, settings.signingKey);
    } catch (error) {
      throw new SettingsError(sourceOf('signingKey'), (error as Error).message);
    }
  }
  if (settings.verifyingKey) {
    let publicKey;
    try {
      publicKey = parsePublicKeyFor(alg, settings.verifyingKey);
    } catch (error) {
      throw new SettingsError(sourceOf('verifyingKey'), (error as Error).message);
    }
    if (privateKey) {
      const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
      if (!derived.equals(publicKey.export({ type: 'spki', format: 'der' }))) {
        throw new SettingsError(sourceOf('verifyingKey'), 'is not the public key of signingKey');
      }
    }
  }
  return settings;
}
