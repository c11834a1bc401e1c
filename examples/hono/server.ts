/**
 * `npm run example:hono`: the seeds' API on Hono, served by @hono/node-server and configured as
 * `tessera serve` is (the same TESSERA_* variables and tessera.config.json), migrating tessera's
 * tables and its own at start.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createTessera, loadSettings } from '../../src/index.js';
import { STUDENT_MIGRATIONS } from '../seed-api/index.js';
import { honoExample } from './app.js';

const settings = loadSettings({ env: process.env, cwd: process.cwd() });
const tessera = createTessera({
  settings,
  logger: { info: (m) => console.log(m), warn: (m) => console.warn(m), error: (m, d) => console.error(m, d ?? '') },
});
await tessera.migrate(STUDENT_MIGRATIONS);
const { app, web } = honoExample(tessera);
// Room for long tokens in the Authorization header (Node's default is 16 KB): DRF's 401, not a bare 431.
const server = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host, serverOptions: { maxHeaderSize: 128 * 1024 } }, (info: AddressInfo) => {
  console.log(`tessera is serving http://${settings.host}:${info.port}/ on Hono (database ${settings.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(async () => {
      await web.close();
      await tessera.close();
    });
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}
