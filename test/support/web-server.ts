import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createTessera, type Settings, type Tessera } from '../../src/index.js';
import type { ServerOptions } from '../../src/server/index.js';
import { exampleServer, honoExample } from '../../examples/hono/app.js';
import { STUDENT_MIGRATIONS } from '../../examples/seed-api/index.js';

/**
 * The Hono example (tessera/web) on `settings`, served through @hono/node-server on an ephemeral port:
 * what startServer serves when the suite runs on the Web-standard adapter. `app` is there for the
 * TestServer shape only: a test that reaches for the Fastify instance fails at once, saying so.
 */
export async function startHonoApp(
  settings: Settings, clock: () => number, options: { customClaims?: ServerOptions['customClaims'] },
): Promise<{ url: string; app: FastifyInstance; tessera: Tessera; close(): Promise<void> }> {
  const tessera = createTessera({ settings, clock, ...(options.customClaims ? { customClaims: options.customClaims } : {}) });
  try {
    await tessera.migrate(STUDENT_MIGRATIONS);
  } catch (error) {
    await tessera.close();
    throw error;
  }
  const { app, web } = honoExample(tessera);
  const server = exampleServer(app, web, '127.0.0.1').listen(0, '127.0.0.1');
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
      await web.close();
      await tessera.close();
    },
  };
}
