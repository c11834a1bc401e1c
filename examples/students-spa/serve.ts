// `npm run example`: tessera's ready server plus the built students SPA at /spa/, on one origin
// (so no CORS, and the SPA calls /api/ and /studentapi/ relatively).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { createPasswordHashers, loadSettings, type Settings, type Store } from '../../src/index.js';
import { buildServer, type ServerOptions } from '../../src/server/index.js';

/** Where `vite build --config examples/students-spa/vite.config.ts` writes the SPA. */
export const SPA_BUILD_DIR = fileURLToPath(new URL('./dist/', import.meta.url));

/** seed 004's user, created on first run so there is someone to sign in as. */
export const DEMO_USER = { username: 'user1', password: '#beta123' };

/** tessera's server with the SPA at /spa/ (from `dir`, the build by default). */
export async function buildExampleServer(
  options: ServerOptions,
  dir = SPA_BUILD_DIR,
): Promise<{ app: FastifyInstance; store: Store }> {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`The example is not built: ${dir} has no index.html (npm run example builds it).`);
  }
  const built = await buildServer(options);
  await built.app.register(fastifyStatic, { root: dir, prefix: '/spa/', index: false, decorateReply: false });
  // @fastify/static's own index route misses `/spa/` when the router ignores trailing slashes
  // (tessera's does, as Django answers both spellings), so the page itself is served here.
  built.app.get('/spa/', { config: { authentication: [], name: 'Students SPA' } }, async (request, reply) => {
    if (!request.url.split('?')[0]!.endsWith('/')) return reply.redirect('/spa/', 301);
    const page = await readFile(join(dir, 'index.html'));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
  });
  return built;
}

/** Creates the demo user unless a user of that name exists. */
export async function ensureDemoUser(store: Store): Promise<boolean> {
  if (await store.users.findByUsername(DEMO_USER.username)) return false;
  const password = await createPasswordHashers().hash(DEMO_USER.password);
  await store.users.create({ username: DEMO_USER.username, password, email: 'user1@example.com' });
  return true;
}

async function main(): Promise<void> {
  const settings: Settings = loadSettings({ env: process.env });
  const { app, store } = await buildExampleServer({ settings });
  const created = await ensureDemoUser(store);
  const address = await app.listen({ host: settings.host, port: settings.port });
  console.log(`Students SPA: ${address}/spa/`);
  if (created) console.log(`Sign in as ${DEMO_USER.username} / ${DEMO_USER.password} (created for this example).`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
