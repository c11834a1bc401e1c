import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { FastifyInstance } from 'fastify';
import { createTessera, type Settings, type Tessera } from '../../src/index.js';
import type { ServerOptions } from '../../src/server/index.js';
import { honoExample } from '../../examples/hono/app.js';
import { STUDENT_MIGRATIONS } from '../../examples/seed-api/index.js';

/**
 * The Hono example (tessera/web) on `settings`, served by @hono/node-server on an ephemeral port:
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
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', serverOptions: { maxHeaderSize: 128 * 1024 } }, () => resolve(started as Server));
  });
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
