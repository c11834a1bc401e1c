/**
 * `npm run example:tracing`: the ready server (as `tessera serve` runs it, same TESSERA_* variables
 * and tessera.config.json) with the OpenTelemetry Node SDK printing every span to the console: a
 * span per request named by its route, one per use case under it, one per SQL statement under that.
 *
 * `npm run example:tracing -- --demo` starts on a throwaway SQLite database, logs a user in,
 * refreshes, and exits: the spans of one login and one refresh, nothing else.
 */
import { provider } from './instrumentation.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../../src/server/index.js';
import { createPasswordHashers, loadSettings } from '../../src/index.js';

const demo = process.argv.includes('--demo');
const scratch = demo ? mkdtempSync(join(tmpdir(), 'tessera-tracing-')) : null;
const settings = loadSettings({
  env: process.env,
  cwd: scratch ?? process.cwd(),
  ...(scratch ? { overrides: { dataDir: scratch, databaseUrl: `sqlite:${join(scratch, 'db.sqlite3')}`, port: 0, logLevel: 'warn' } } : {}),
});
const { app, store } = await buildServer({ settings });
const address = await app.listen({ host: settings.host, port: settings.port });
console.log(`tessera is serving ${address}/ with OpenTelemetry spans printed to the console`);

if (demo) {
  const password = 'demo-password-1';
  await store.users.create({ username: 'demo', email: 'demo@example.com', password: await createPasswordHashers().hash(password) });
  const post = (path: string, body: unknown) =>
    fetch(`${address}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const login = await post('/api/token/', { username: 'demo', password });
  const { refresh } = await login.json() as { refresh: string };
  console.log(`POST /api/token/ answered ${login.status}`);
  console.log(`POST /api/token/refresh/ answered ${(await post('/api/token/refresh/', { refresh })).status}`);
  await app.close();
  await provider.shutdown();
  rmSync(scratch!, { recursive: true, force: true });
} else {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void app.close().then(() => provider.shutdown()));
  }
}
