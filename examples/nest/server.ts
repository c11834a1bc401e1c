/**
 * `npm run example:nest` (add `-- --fastify` for Nest's Fastify platform): the seeds' API on
 * NestJS, configured as `tessera serve` is (the same TESSERA_* variables and tessera.config.json),
 * migrating tessera's tables and its own at start.
 */
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createTessera, loadSettings } from '../../src/index.js';
import { STUDENT_MIGRATIONS } from '../seed-api/index.js';
import { createNestApp, ExampleModule, listen } from './app.js';

const settings = loadSettings({ env: process.env, cwd: process.cwd() });
const log = new Logger('Tessera');
const tessera = createTessera({
  settings,
  logger: { info: (m) => log.log(m), warn: (m) => log.warn(m), error: (m, d) => log.error(d === undefined ? m : `${m} ${JSON.stringify(d)}`) },
});
await tessera.migrate(STUDENT_MIGRATIONS);
const platform = process.argv.includes('--fastify') ? 'fastify' : 'express';
const app = await createNestApp(ExampleModule.forRoot(tessera), platform);
const server = await listen(app, platform, settings.port, settings.host);
const { port } = server.address() as AddressInfo;
console.log(`tessera is serving http://${settings.host}:${port}/ on NestJS (${platform}; database ${settings.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    server.closeAllConnections();
    // On Fastify the application closes its own server; on Express, the one `listen` made.
    if (platform === 'express') await new Promise((resolve) => server.close(resolve));
    await app.close(); // Waits for the views' audit writes (the module's shutdown hook).
    await tessera.close();
  });
}
