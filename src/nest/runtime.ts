import { Logger } from '@nestjs/common';
import { createTessera, type Tessera, type TesseraLogger } from '../core/index.js';
import { tesseraExpress, type TesseraExpress, type TesseraExpressOptions } from '../express/index.js';
import type { Settings } from '../settings/index.js';

/** `TesseraModule.forRoot`'s options: a core, or settings to make one from; and which views to serve. */
export type TesseraModuleOptions = TesseraExpressOptions & (
  | {
    /** A core made with `createTessera`: the application migrates and closes it. */
    tessera: Tessera;
    settings?: undefined;
    migrate?: undefined;
  }
  | {
    /** Settings to make the core from: the module makes it, and closes it when the application shuts down. */
    settings: Settings;
    tessera?: undefined;
    /** Migrate tessera's tables at start, as `tessera serve` does (default true). */
    migrate?: boolean;
  }
);

/** What the module runs on: the core, the middleware serving its views, and whether the module made the core. */
export interface TesseraRuntime {
  tessera: Tessera;
  views: TesseraExpress;
  owned: boolean;
}

/**
 * The core (given, or made, migrated and started) and its views as plain `(req, res, next)`
 * middleware over the contract's pipeline (the Express adapter's), which Nest's Express platform
 * and its Fastify platform (through middie) both take: the answers are the contract's, byte for byte.
 */
export async function openRuntime(options: TesseraModuleOptions): Promise<TesseraRuntime> {
  const tessera = await coreFor(options);
  return { tessera, views: tesseraExpress(tessera, viewOptionsOf(options)), owned: tessera !== options.tessera };
}

async function coreFor(options: TesseraModuleOptions): Promise<Tessera> {
  if (options.tessera) return options.tessera;
  const tessera = createTessera({ settings: options.settings, logger: nestLogger() });
  try {
    if (options.migrate === false) await tessera.ready();
    else await tessera.migrate();
  } catch (error) {
    await tessera.close();
    throw error;
  }
  return tessera;
}

/** Everything but the core's own options: which views to serve, and how. */
function viewOptionsOf(options: TesseraModuleOptions): TesseraExpressOptions {
  const { tessera: _tessera, settings: _settings, migrate: _migrate, ...viewOptions } = options;
  return viewOptions;
}

/** What a core the module made says, through Nest's logger. */
function nestLogger(): TesseraLogger {
  const logger = new Logger('Tessera');
  return {
    info: (message) => logger.log(message),
    warn: (message) => logger.warn(message),
    error: (message, detail) => logger.error(detail === undefined ? message : `${message} ${JSON.stringify(detail)}`),
  };
}
