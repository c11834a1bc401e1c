import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  apiRootRoutes, registrationMigrations, registrationRoutes, seedViews, studentMigrations, studentRoutes, taskMigrations, taskRoutes,
} from '../example/index.js';
import { accountRoutes, drfJwtRoutes, tessera, type DrfJwtRouteOptions } from '../http/index.js';
import type { TesseraOptions } from '../core/index.js';
import type { Clock, Settings } from '../settings/index.js';
import { databaseOptions, openStore, type MigrationSet, type Store } from '../store/index.js';
import { registerApiDocsGenerator, registerApiDocsRoutes } from './api-docs.js';
import { consoleRoutes } from './console.js';
import { healthRoutes } from './health.js';
import { AccessLog } from './access-log.js';
import { serializeRequest } from './log-redaction.js';
import { lazyRequestLogger } from './request-logger.js';
import { metricsRoute } from './metrics-route.js';
import { prometheusMetrics } from '../telemetry/index.js';

export interface ServerOptions {
  settings: Settings;
  clock?: Clock;
  customClaims?: TesseraOptions['customClaims'];
  /** Pino logger options; false for none (tests). */
  logger?: boolean;
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: { write(line: string): void };
  /** False when someone else migrated already (`serve --workers`: the primary, once, before forking). */
  migrate?: boolean;
}

const require = createRequire(import.meta.url);

/**
 * Requires one of Fastify's own dependencies as Fastify itself would: they are not tessera's, so
 * an install may keep them beside Fastify only. Being looked up at run time, they also stay out
 * of the `tessera` command's bundle (ajv and fast-json-stringify: a quarter of what it would
 * parse at every start, for code `serve` never runs).
 */
function requireAsFastify(name: string): unknown {
  return createRequire(require.resolve('fastify'))(name);
}

/**
 * Fastify's own schema compilers, loaded when a route first has a schema to compile. Fastify
 * requires them (ajv, fast-json-stringify: about 110 modules) when the app is made, and tessera's
 * routes never compile one: their docs are route config, not schemas (see `api-docs.ts`). Routes
 * added to the app by its user still validate as before (see `asDefaultCompilers`).
 */
function lazyCompilers(): NonNullable<FastifyServerOptions['schemaController']>['compilersFactory'] {
  type Builder = (...args: unknown[]) => unknown;
  const lazy = (name: string): Builder => {
    let builder: Builder | undefined;
    return (...args) => (builder ??= (requireAsFastify(name) as () => Builder)())(...args);
  };
  return {
    buildValidator: lazy('@fastify/ajv-compiler') as never,
    buildSerializer: lazy('@fastify/fast-json-stringify-compiler') as never,
  };
}

/**
 * Fastify treats compilers given as options as foreign ones (Joi, TypeBox) and then passes a
 * `headers` schema on as written instead of lower-casing its keys; these are its own compilers,
 * so its own rule is kept. The flag is private: if a later Fastify moves it, test/server/app.test.ts fails.
 */
function asDefaultCompilers(app: FastifyInstance): void {
  const key = Object.getOwnPropertySymbols(app).find((symbol) => symbol.description === 'fastify.schemaController');
  const controller = key ? (app as unknown as Record<symbol, { isCustomValidatorCompiler?: boolean }>)[key] : undefined;
  if (controller && controller.isCustomValidatorCompiler === true) controller.isCustomValidatorCompiler = false;
}

/** The example API's migrations, which the ready server applies after the core's (tracked as `example`). */
export const SERVER_MIGRATIONS: MigrationSet = { owner: 'example', migrations: { ...studentMigrations, ...taskMigrations, ...registrationMigrations } };

/** The token URLs the seeds use, all served by the ready server. */
const SEED_TOKEN_ROUTES = {
  obtain: ['/api/token/', '/gettoken/'],
  refresh: ['/api/token/refresh/', '/refreshtoken/'],
  verify: ['/api/token/verify/', '/verifytoken/'],
  blacklist: ['/api/token/blacklist/'],
};

/**
 * djangorestframework-jwt's views at the seeds' spellings (001: auth-jwt, jwt-auth; 003: api-auth). `/api-token-auth/` is drf-jwt's documented URL, but DRF's
 * `obtain_auth_token` answers there when the `token` class is on (see `registerAuthTokenRoutes`).
 */
function seedDrfJwtRoutes(settings: Settings): DrfJwtRouteOptions {
  const tokenClassOn = settings.authenticationClasses.includes('token');
  return {
    obtain: ['/api-auth/', '/auth-jwt/', '/jwt-auth/', ...(tokenClassOn ? [] : ['/api-token-auth/'])],
    refresh: ['/api-token-refresh/', '/auth-jwt-refresh/'],
    verify: ['/api-token-verify/', '/auth-jwt-verify/'],
  };
}

/**
 * Seed 003's first project (`auth/obtain_token/`, `auth/refresh_token/`) sets `JWT_ALLOW_REFRESH`:
 * its tokens carry `orig_iat`, so its refresh view works whatever `jwtAllowRefresh` says. Its
 * `JWT_AUTH_HEADER_PREFIX: Bearer` is left out: it would change Simple JWT's answers.
 */
const SEED_003_REFRESHABLE_DRF_JWT_ROUTES: DrfJwtRouteOptions = {
  obtain: ['/auth/obtain_token/'],
  refresh: ['/auth/refresh_token/'],
  settings: { jwtAllowRefresh: true },
};

/** Opens and migrates the store, then assembles the app: plugin, seed views, example API. */
export async function buildServer(options: ServerOptions): Promise<{ app: FastifyInstance; store: Store }> {
  const { settings } = options;
  const store = openStore(settings.databaseUrl, databaseOptions(settings));
  try {
    if (options.migrate !== false) await store.migrate(SERVER_MIGRATIONS);
  } catch (error) {
    await store.close();
    throw error;
  }
  const accessLog = new AccessLog();
  const app = Fastify({
    // Activation links carry a token in the URL: the request log shows it redacted.
    logger: options.logger === false ? false : {
      level: settings.logLevel,
      serializers: { req: serializeRequest },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    bodyLimit: settings.bodyLimit,
    // Django URLs end with a slash; answer the slashless spelling the same way.
    routerOptions: { ignoreTrailingSlash: true },
    // Room for long tokens in the Authorization header, so they get a DRF answer, not a 431.
    http: { maxHeaderSize: 128 * 1024 },
    return503OnClosing: true,
    schemaController: { compilersFactory: lazyCompilers() },
    logController: accessLog,
    childLoggerFactory: lazyRequestLogger,
  });
  // A stream given by the caller (tests) gets each line as it is written; stdout, a turn's at once.
  accessLog.writeTo(app.log, { batched: !options.logStream });
  app.addHook('onClose', (_instance, done) => {
    accessLog.close();
    done();
  });
  asDefaultCompilers(app);
  app.addHook('onClose', async () => store.close());
  // First, so it sees every route registered after it.
  if (settings.apiDocs) await registerApiDocsGenerator(app, settings);
  // `metrics: true`: the core counts into these and `GET /metrics` serves them.
  const metrics = settings.metrics ? prometheusMetrics() : null;
  await app.register(tessera, {
    settings, store, tokenRoutes: SEED_TOKEN_ROUTES,
    ...(metrics ? { metrics } : {}),
    // A long-running server rotates the keyring on `keyRotationInterval` (when set).
    scheduleKeyRotation: true,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.customClaims ? { customClaims: options.customClaims } : {}),
  });
  // Called, not registered: its redirect of a browser's `GET /` is a hook on the whole app.
  if (settings.console) await consoleRoutes(app);
  // djoser's API: registration, activation, password and username flows, JWT views.
  await app.register(accountRoutes, { prefix: '/auth' });
  await app.register(seedViews);
  await app.register(studentRoutes);
  await app.register(drfJwtRoutes, seedDrfJwtRoutes(settings));
  await app.register(drfJwtRoutes, SEED_003_REFRESHABLE_DRF_JWT_ROUTES);
  await app.register(taskRoutes);
  await app.register(apiRootRoutes);
  await app.register(registrationRoutes);
  await app.register(healthRoutes);
  if (metrics) await app.register(metricsRoute, { metrics, token: settings.metricsToken });
  if (settings.apiDocs) await registerApiDocsRoutes(app);
  return { app, store };
}
