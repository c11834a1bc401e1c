/**
 * `npm run example:express`: the seeds' API on Express, configured as `tessera serve` is (the
 * same TESSERA_* variables and tessera.config.json), migrating tessera's tables and its own at start.
 */
import type { AddressInfo } from 'node:net';
import { createTessera, loadSettings } from '../../src/index.js';
import { exampleServer, expressExample } from './app.js';
import { STUDENT_MIGRATIONS } from '../seed-api/index.js';

const settings = loadSettings({ env: process.env, cwd: process.cwd() });
const tessera = createTessera({
  settings,
  logger: { info: (m) => console.log(m), warn: (m) => console.warn(m), error: (m, d) => console.error(m, d ?? '') },
});
await tessera.migrate(STUDENT_MIGRATIONS);
const { app, auth } = expressExample(tessera);
const server = exampleServer(app).listen(settings.port, settings.host, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`tessera is serving http://${settings.host}:${port}/ on Express (database ${settings.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(async () => {
      await auth.close();
      await tessera.close();
    });
    server.closeAllConnections();
  });
}
