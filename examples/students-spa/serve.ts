// `npm run example`: tessera's ready server plus the built students SPA at /spa/, on one origin
// (so no CORS, and the SPA calls /api/ and /studentapi/ relatively). `npm run example:cross-origin`
// serves the SPA from a server of its own on the next port, calling tessera through CORS.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
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

/**
 * The SPA alone on a static server of its own (another origin), told where tessera answers by a
 * `<meta name="tessera-api">` in its page: tessera must list this server's origin in
 * `corsAllowedOrigins`.
 */
export async function buildSpaServer(apiUrl: string | (() => string), dir = SPA_BUILD_DIR): Promise<FastifyInstance> {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`The example is not built: ${dir} has no index.html (npm run example builds it).`);
  const spa = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  await spa.register(fastifyStatic, { root: dir, prefix: '/spa/', index: false });
  const template = await readFile(join(dir, 'index.html'), 'utf8');
  // Read per request, so a test may start this server before it knows tessera's port.
  const api = typeof apiUrl === 'function' ? apiUrl : () => apiUrl;
  spa.get('/spa/', async (_request, reply) => {
    const page = template.replace('<head>', `<head>\n    <meta name="tessera-api" content="${api().replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}" />`);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
  });
  return spa;
}

/** Creates the demo user unless a user of that name exists. */
export async function ensureDemoUser(store: Store): Promise<boolean> {
  if (await store.users.findByUsername(DEMO_USER.username)) return false;
  const password = await createPasswordHashers().hash(DEMO_USER.password);
  await store.users.create({ username: DEMO_USER.username, password, email: 'user1@example.com' });
  return true;
}

async function main(): Promise<void> {
  const crossOrigin = process.argv.includes('--cross-origin');
  let settings: Settings = loadSettings({ env: process.env });
  // The SPA's own origin: the next port on the same host.
  const spaOrigin = `http://${settings.host}:${settings.port + 1}`;
  if (crossOrigin) settings = { ...settings, corsAllowedOrigins: [...new Set([...settings.corsAllowedOrigins, spaOrigin])] };
  const { app, store } = await buildExampleServer({ settings });
  const created = await ensureDemoUser(store);
  const address = await app.listen({ host: settings.host, port: settings.port });
  if (crossOrigin) {
    const spa = await buildSpaServer(address);
    await spa.listen({ host: settings.host, port: settings.port + 1 });
    console.log(`Students SPA: ${spaOrigin}/spa/ (its own origin), calling tessera at ${address} through CORS`);
  } else {
    console.log(`Students SPA: ${address}/spa/`);
  }
  if (created) console.log(`Sign in as ${DEMO_USER.username} / ${DEMO_USER.password} (created for this example).`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
