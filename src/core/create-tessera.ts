import { Accounts, createMailer, Outbox } from '../accounts/index.js';
import {
  authenticateRequest, createAuthenticators, pickAuthenticators, SessionManager, Throttle, type Authenticator,
} from '../auth/index.js';
import {
  codecFromSettings, createPasswordHashers, Keyring, PrivateKeySealing, RemoteJwks, resolveSigningKey, sealedSigningKeyRows, settingsKeys,
} from '../crypto/index.js';
import { isHmacAlgorithm, refuseUnknownKeys, SETTING_NAMES, systemClock, type AuthenticationClassName } from '../settings/index.js';
import { AuditLog, databaseOptions, openStore, SigningKeyRepository } from '../store/index.js';
import { activeTracer, prometheusMetrics, traceUseCases } from '../telemetry/index.js';
import { createSharedState } from './shared-state.js';
import type { TokenContext } from '../tokens/index.js';
import { sessionUseCases } from './session-use-cases.js';
import type { Tessera, TesseraLogger, TesseraOptions } from './tessera.js';
import { drfJwtUseCases } from './drf-jwt-use-cases.js';
import { credentialsChecker, tokenUseCases } from './token-use-cases.js';
import { userUseCases } from './user-use-cases.js';
import { authTokenUseCases } from './auth-token-use-cases.js';
import { keyUseCases } from './key-use-cases.js';
import { requireUniqueLoginEmails } from './login-emails.js';
import { scheduleKeyRotation, type KeyRotationSchedule } from './key-rotation-schedule.js';
import { maintenanceUseCases } from './maintenance-use-cases.js';
import { twoFactorUseCases } from './two-factor-use-cases.js';
import { loginCompletion } from './login-completion.js';
import { permissionUseCases } from './permission-use-cases.js';
import { passkeyUseCases } from './passkey-use-cases.js';

const SILENT: TesseraLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Builds tessera from settings: the composition root every adapter, the ready server and the CLI
 * share. Nothing is read from the database until `ready()` (or `migrate()`, which then calls it),
 * so a fresh database can be migrated through the object itself.
 */
export function createTessera(options: TesseraOptions): Tessera {
  const { settings } = options;
  // Settings built by hand in JavaScript, where no type checker catches `accesTokenLifetime`.
  refuseUnknownKeys(settings, SETTING_NAMES);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? SILENT;
  const metrics = options.metrics ?? (settings.metrics ? prometheusMetrics() : null);
  // Asked once: with no OpenTelemetry SDK registered, the use cases are the plain functions.
  const tracer = activeTracer();
  const store = options.store ?? openStore(settings.databaseUrl, databaseOptions(settings));
  // Keys by kid, each pinned to one algorithm: the database keyring (`tessera keys`), an asymmetric
  // key from settings, and another issuer's JWKS (`jwkUrl`). HMAC keeps Simple JWT's tokens (no kid).
  const keyRows = new SigningKeyRepository(store.database.db);
  // Private keys sealed at rest under `keyEncryptionKey` when it is set (read as PEM either way).
  const sealing = new PrivateKeySealing(settings.keyEncryptionKey);
  const keyring = new Keyring({
    clock,
    staticKeys: settingsKeys(settings),
    rows: sealedSigningKeyRows(keyRows, sealing),
    remote: settings.jwkUrl ? new RemoteJwks({
      url: settings.jwkUrl, clock, ttlMs: settings.jwkCacheTtl * 1000, logger,
      ...(metrics ? { onFetchFailure: () => metrics.jwksFetchFailure() } : {}),
    }) : null,
  });
  metrics?.watchActiveKey(() => keyring.activeKey(), clock);
  const codec = codecFromSettings(settings, keyring, isHmacAlgorithm(settings.algorithm) ? resolveSigningKey(settings) : '', clock);
  // Revocations and counters shared by every process through Redis when `redisUrl` is set;
  // without it (or while it is down) the database and this process's memory answer.
  // Written after answers; a failed write is logged once and never fails a request.
  const audit = new AuditLog(store.database.db, {
    clock,
    onError: (error) => logger.error('audit event could not be written', { reason: (error as Error).message }),
  });
  const shared = createSharedState({
    settings, db: store.database.db, tokens: store.tokens, clock, logger,
    // Every ending of a session, whatever ended it, is one audit event with its reason.
    onFamilyEnded: (ended, at) => {
      void audit.record({ type: 'session_ended', userId: ended.userId, at, detail: { session: ended.id, reason: ended.reason } });
      metrics?.sessionEnded(ended.reason);
    },
    ...(metrics ? { onAnnounced: (seconds: number) => metrics.revocationFanout(seconds) } : {}),
    // A key revoked on another node: refused here at once, then read again with its new state.
    onKeyRevoked: (kid) => {
      keyring.forget(kid);
      void keyring.reload().catch(() => undefined);
    },
  });
  const permissions = permissionUseCases({ store, audit });
  const sessions = sessionUseCases({ settings, store, revocation: shared.revocation, clock });
  const tokens: TokenContext = {
    settings, codec, clock, blacklist: shared.revocation, cutoffs: shared.revocation,
    ...(options.customClaims ? { customClaims: options.customClaims } : {}),
    userDetails: (user) => ({
      fields: () => permissions.fieldsOf(user.id),
      groups: () => permissions.groupsOf(user.id),
      permissions: () => permissions.permissionsOf(user),
    }),
    // Read afresh for each access token, so a grant shows at the next refresh.
    ...(settings.permissionClaims ? { accessClaims: async (user) => ({ ...(await permissions.claimsOf(user)) }) } satisfies Partial<TokenContext> : {}),
    // Sessions: families in the database, ended ones refused from memory (fanned out like cut-offs).
    ...(settings.tokenFamilies ? {
      families: {
        start: (family) => sessions.start(family),
        touch: (family, at) => store.families.touch(family, at),
        find: (family) => store.families.find(family),
        rotationOf: (jti) => store.families.rotationOf(jti),
        revokeFamily: (family, at, reason) => shared.revocation.revokeFamily(family, at, reason),
        isFamilyRevoked: (family) => shared.revocation.isFamilyRevoked(family),
        familyEndReason: (family) => shared.revocation.familyEndReason(family),
      },
    } satisfies Partial<TokenContext> : {}),
    onSecurityEvent: (event) => {
      void audit.record({ type: event.type, userId: event.userId, ip: event.ip ?? '', detail: { family: event.family } });
    },
  };
  const hashers = options.hashers ?? createPasswordHashers();
  const sessionLogins = new SessionManager({ sessions: store.sessions, users: store.users, clock, secret: resolveSigningKey(settings) });
  const mailer = options.mailer ?? createMailer(settings);
  const authenticationClasses = createAuthenticators({ settings, store, tokens, hashers, sessions: sessionLogins });
  // Picked once per list of names (a route's, or the settings'), not on every request.
  const picked = new WeakMap<readonly AuthenticationClassName[], Authenticator[]>();
  const authenticatorsFor = (names: readonly AuthenticationClassName[] = settings.authenticationClasses): Authenticator[] => {
    let authenticators = picked.get(names);
    if (!authenticators) picked.set(names, (authenticators = pickAuthenticators(authenticationClasses, names)));
    return authenticators;
  };
  const checkCredentials = credentialsChecker(store, hashers, settings.loginField);
  // The account flows' email goes out after the answer; a failure is logged, never the link in it.
  const outbox = new Outbox(mailer, ({ to, subject, error }) => {
    logger.error('account email could not be sent', { to, subject, reason: (error as Error)?.message });
  });
  const accounts = new Accounts({
    settings, users: store.users, hashers, clock, secret: resolveSigningKey(settings),
    post: (message) => outbox.post(message),
    endSessions: async (userId, reason) => void (await sessions.endAll(userId, { reason })),
  });

  const secondFactor = twoFactorUseCases({ settings, store, audit, clock, secret: resolveSigningKey(settings) });
  const tokenCases = traceUseCases(tracer, 'tokens', tokenUseCases({ settings, store, context: tokens, checkCredentials, secondFactor, metrics }));
  const drfJwt = traceUseCases(tracer, 'drfJwt', drfJwtUseCases({ settings, store, context: tokens, checkCredentials, secondFactor }));
  const authTokens = traceUseCases(tracer, 'authTokens', authTokenUseCases({ store, clock }));

  const keys = traceUseCases(tracer, 'keys', keyUseCases({ settings, rows: keyRows, sealing, keyring, audit, revocation: shared.revocation, clock }));
  let schedule: KeyRotationSchedule | null = null;
  let started: Promise<void> | null = null;
  const start = async () => {
    await requireUniqueLoginEmails(settings, store.users);
    await keyring.start();
    await shared.start();
    if (options.scheduleKeyRotation && settings.keyRotationInterval > 0) schedule = await scheduleKeyRotation({ keys, settings, logger });
    // Now, so the first login for an unknown username costs what every later one does (a login
    // before it is done waits for this same hash); not awaited, so it does not delay start.
    void hashers.dummyHash().catch(() => undefined);
  };
  const ready = () => (started ??= start());

  return {
    settings, store, tokenContext: tokens, clock, hashers, sessionLogins, keyring, audit, mailer, authenticationClasses,
    tokens: tokenCases,
    users: traceUseCases(tracer, 'users', userUseCases({ store, hashers, sessions, checkCredentials, loginField: settings.loginField })),
    sessions: traceUseCases(tracer, 'sessions', sessions),
    accounts: traceUseCases(tracer, 'accounts', accounts),
    drfJwt,
    authTokens,
    twoFactor: traceUseCases(tracer, 'twoFactor', {
      ...secondFactor, completeLogin: loginCompletion({ twoFactor: secondFactor, tokens: tokenCases, drfJwt, authTokens }),
    }),
    keys,
    maintenance: traceUseCases(tracer, 'maintenance', maintenanceUseCases({ settings, store, audit, revocation: shared.revocation, clock })),
    permissions,
    // A passkey sign-in is a login: the pair comes the way the password login's does.
    passkeys: traceUseCases(tracer, 'passkeys', passkeyUseCases({ settings, store, audit, clock, issuePair: tokenCases.issuePair })),
    authenticatorsFor,
    logger,
    metrics,
    authenticate: (request, names) => authenticateRequest(authenticatorsFor(names), request),
    redis: shared.redis,
    revocation: shared.revocation,
    counters: shared.counters,
    throttle: new Throttle(shared.counters, settings, metrics),
    ready,
    migrate: async (...sets) => {
      const applied = await store.migrate(...sets);
      await ready();
      return applied;
    },
    close: async () => {
      schedule?.stop();
      keyring.close();
      await shared.close();
      await audit.flush();
      await outbox.drain();
      await mailer.close();
      if (!options.store) await store.close();
    },
  };
}
