import Fastify, { type FastifyInstance } from 'fastify';
import { seedViews, studentMigrations, studentRoutes } from '../example/index.js';
import { tessera, type TesseraOptions } from '../http/index.js';
import type { Clock, Settings } from '../settings/index.js';
import { openStore, type Store } from '../store/index.js';

export interface ServerOptions {
  settings: Settings;
  clock?: Clock;
  customClaims?: TesseraOptions['customClaims'];
  /** Pino logger options; false for none (tests). */
  logger?: boolean;
}

/** Migrations the ready server applies: the core's plus the example API's. */
export const SERVER_MIGRATIONS = studentMigrations;

/** The token URLs the seeds use, all served by the ready server. */
const SEED_TOKEN_ROUTES = {
  obtain: ['/api/token/', '/gettoken/'],
  refresh: ['/api/token/refresh/', '/refreshtoken/'],
  verify: ['/api/token/verify/', '/verifytoken/'],
  blacklist: ['/api/token/blacklist/'],
};

/** Opens and migrates the store, then assembles the app: plugin, seed views, example API. */
export async function buildServer(options: ServerOptions): Promise<{ app: FastifyInstance; store: Store }> {
  const { settings } = options;
  const store = openStore(settings.databaseUrl);
  try {
    await store.migrate(SERVER_MIGRATIONS);
  } catch (error) {
    await store.close();
    throw error;
  }
  const app = Fastify({
    logger: options.logger === false ? false : { level: settings.logLevel },
    bodyLimit: settings.bodyLimit,
    // Django URLs end with a slash; answer the slashless spelling the same way.
    routerOptions: { ignoreTrailingSlash: true },
    // Room for long tokens in the Authorization header, so they get a DRF answer, not a 431.
    http: { maxHeaderSize: 128 * 1024 },
    return503OnClosing: true,
  });
  app.addHook('onClose', async () => store.close());
  await app.register(tessera, {
    settings, store, tokenRoutes: SEED_TOKEN_ROUTES,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.customClaims ? { customClaims: options.customClaims } : {}),
  });
  await app.register(seedViews);
  await app.register(studentRoutes);
  return { app, store };
}
