/**
 * `npm run example:nest` (add `-- --fastify` for Nest's Fastify platform): the seeds' API on
 * NestJS, configured as `tessera serve` is (the same TESSERA_* variables and tessera.config.json);
 * the module migrates tessera's tables at start and closes the core on shutdown.
 */
import { loadSettings } from '../../src/index.js';
import { createNestApp, ExampleModule } from './app.js';

const settings = loadSettings({ env: process.env, cwd: process.cwd() });
const platform = process.argv.includes('--fastify') ? 'fastify' : 'express';
const app = await createNestApp(ExampleModule.forRoot({ settings }), platform);
app.enableShutdownHooks();
await app.listen(settings.port, settings.host);
console.log(`tessera is serving ${await app.getUrl()}/ on NestJS (${platform}; database ${settings.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')})`);
