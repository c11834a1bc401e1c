import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createTessera, type Settings, type Tessera } from '../../src/index.js';
import type { ServerOptions } from '../../src/server/index.js';
import { exampleServer as expressServer, expressExample } from '../../examples/express/app.js';
import { exampleServer as honoServer, honoExample } from '../../examples/hono/app.js';
import { STUDENT_MIGRATIONS } from '../../examples/seed-api/index.js';

/** Each adapter's example as an HTTP server, and what to close after the server. */
const EXAMPLES = {
  express: (tessera: Tessera): { server: Server; adapter: { close(): Promise<void> } } => {
    const { app, auth } = expressExample(tessera);
    return { server: expressServer(app), adapter: auth };
  },
  web: (tessera: Tessera): { server: Server; adapter: { close(): Promise<void> } } => {
    const { app, web } = honoExample(tessera);
    return { server: honoServer(app, web, '127.0.0.1'), adapter: web };
  },
};

/**
 * The adapter's example (examples/express, or examples/hono for tessera/web) on `settings`,
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
  const { server, adapter: served } = EXAMPLES[adapter](tessera);
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
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
