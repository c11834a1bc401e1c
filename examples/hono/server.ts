/**
 * `npm run example:hono`: the seeds' API on Hono, served by @hono/node-server and configured as
 * `tessera serve` is (the same TESSERA_* variables and tessera.config.json), migrating tessera's
 * tables and its own at start.
 */
import type { AddressInfo } from 'node:net';
import { createTessera, loadSettings } from '../../src/index.js';
import { STUDENT_MIGRATIONS } from '../seed-api/index.js';
import { exampleServer, honoExample } from './app.js';

const settings = loadSettings({ env: process.env, cwd: process.cwd() });
const tessera = createTessera({
  settings,
  logger: { info: (m) => console.log(m), warn: (m) => console.warn(m), error: (m, d) => console.error(m, d ?? '') },
});
await tessera.migrate(STUDENT_MIGRATIONS);
const { app, web } = honoExample(tessera);
const server = exampleServer(app, web, settings.host).listen(settings.port, settings.host, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`tessera is serving http://${settings.host}:${port}/ on Hono (database ${settings.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(async () => {
      await web.close();
      await tessera.close();
    });
    server.closeAllConnections();
  });
}
