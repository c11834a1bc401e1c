import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createTessera, type Settings, type Tessera } from '../../src/index.js';
import type { ServerOptions } from '../../src/server/index.js';
import type { NestPlatform } from '../../examples/nest/app.js';
import { STUDENT_MIGRATIONS } from '../../examples/seed-api/index.js';

/** An example listening on an ephemeral port, and what to close after its server. */
interface Listening {
  server: Server;
  adapter: { close(): Promise<void> };
}

/** Listens on an ephemeral port of 127.0.0.1. */
async function listening(server: Server): Promise<Server> {
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return server;
}

/**
 * Each adapter's example, listening. Each is imported when first started, not with this module:
 * every suite imports test/support/server.ts, and loading all four frameworks (NestJS most) cost
 * each test process about a second of CPU on the shared two cores.
 */
const EXAMPLES = {
  express: async (tessera: Tessera): Promise<Listening> => {
    const { exampleServer, expressExample } = await import('../../examples/express/app.js');
    const { app, auth } = expressExample(tessera);
    return { server: await listening(exampleServer(app)), adapter: auth };
  },
  web: async (tessera: Tessera): Promise<Listening> => {
    const { exampleServer, honoExample } = await import('../../examples/hono/app.js');
    const { app, web } = honoExample(tessera);
    return { server: await listening(exampleServer(app, web, '127.0.0.1')), adapter: web };
  },
  // examples/nest on Nest's Express platform; closing the application waits for the views' audit writes.
  nest: (tessera: Tessera) => nestExample(tessera, 'express'),
  // Not in `npm test` (its time budget): run by hand with TESSERA_TEST_ADAPTER=nest-fastify.
  'nest-fastify': (tessera: Tessera) => nestExample(tessera, 'fastify'),
};

async function nestExample(tessera: Tessera, platform: NestPlatform): Promise<Listening> {
  const { createNestApp, ExampleModule, listen: listenNest } = await import('../../examples/nest/app.js');
  const app = await createNestApp(ExampleModule.forRoot(tessera), platform, { logger: false });
  return { server: await listenNest(app, platform, 0, '127.0.0.1'), adapter: app };
}

/**
 * The adapter's example (examples/express, examples/hono for tessera/web, examples/nest) on `settings`,
 * listening on an ephemeral port: what startServer serves when the suite runs on that adapter.
 * `app` is there for the TestServer shape only: a test that reaches for the Fastify instance
 * fails at once, saying so.
 */
export async function startExampleApp(
  adapter: keyof typeof EXAMPLES, settings: Settings, clock: () => number, options: { customClaims?: ServerOptions['customClaims'] },
): Promise<{ url: string; app: FastifyInstance; tessera: Tessera; close(): Promise<void> }> {
  const tessera = createTessera({ settings, clock, ...(options.customClaims ? { customClaims: options.customClaims } : {}) });
  try {
    await tessera.migrate(STUDENT_MIGRATIONS);
  } catch (error) {
    await tessera.close();
    throw error;
  }
  let started: Listening;
  try {
    started = await EXAMPLES[adapter](tessera);
  } catch (error) {
    await tessera.close();
    throw error;
  }
  const { server, adapter: served } = started;
  const { port } = server.address() as AddressInfo;
  const fastifyOnly = new Proxy({} as FastifyInstance, {
    get: () => {
      throw new Error('this test reads the Fastify instance: it runs on the Fastify adapter only (move it out of test/contract/)');
    },
  });
  return {
    url: `http://127.0.0.1:${port}`,
    app: fastifyOnly,
    tessera,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await served.close();
      await tessera.close();
    },
  };
}
