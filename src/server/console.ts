import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serveOnDemand } from './on-demand.js';

/**
 * Where `vite build` writes the console: `dist/console/` under the package root, which is two folders
 * up from this file both in `src/server/` (tsx, tests) and in `dist/server/` (npm start).
 */
export const CONSOLE_BUILD_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

/** The console's pages load only what they were built with: no inline script, no other origin. */
export const CONSOLE_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = { detail: 'The console is not built; run npm run build.' };
const ROUTE_CONFIG = { authentication: [], name: 'Console' };
/** Pages, not API: left out of the OpenAPI document (as @fastify/static leaves its own routes). */
const HIDDEN = { hide: true };

/**
 * The web console (`web/`, built into `dist/console/`) at `/console/`: hashed assets cached for a
 * year, `index.html` revalidated every time. Without a build it answers 503 and the server still
 * starts. A browser opening `/` (it asks for text/html) is sent to the console, so the links in
 * activation and reset emails (`{publicUrl}/#/activate/...`) land there with their fragment;
 * API clients asking for JSON still get the API root.
 */
export async function consoleRoutes(app: FastifyInstance, options: { dir?: string } = {}): Promise<void> {
  const dir = options.dir ?? CONSOLE_BUILD_DIR;
  // On the `/` route only (the example API's root, registered after this), not on every request.
  const redirectBrowsers = async (request: FastifyRequest, reply: FastifyReply) => {
    if (wantsHtml(request)) return reply.redirect('/console/', 302);
  };
  app.addHook('onRoute', (route) => {
    if (route.url !== '/' || ![route.method].flat().includes('GET')) return;
    route.onRequest = [...[route.onRequest ?? []].flat(), redirectBrowsers];
  });
  if (!existsSync(join(dir, 'index.html'))) {
    const notBuilt = async (_request: FastifyRequest, reply: FastifyReply) => {
      reply.header('content-security-policy', CONSOLE_CSP);
      return reply.code(503).send(NOT_BUILT);
    };
    app.get('/console/', { config: ROUTE_CONFIG, schema: HIDDEN }, notBuilt);
    app.get('/console/*', { config: ROUTE_CONFIG, schema: HIDDEN }, notBuilt);
    return;
  }
  // As the main app's router: `/console` is `/console/`.
  serveOnDemand(app, '/console', { config: ROUTE_CONFIG, schema: HIDDEN }, (files) => serveFiles(files, dir), { routerOptions: { ignoreTrailingSlash: true } });
}

/** The built files as a small app of their own (see `serveOnDemand`): @fastify/static and glob load on the first visit. */
async function serveFiles(files: FastifyInstance, dir: string): Promise<void> {
  const { default: fastifyStatic } = await import('@fastify/static');
  files.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CONSOLE_CSP);
    return payload;
  });
  await files.register(fastifyStatic, {
    root: dir,
    prefix: '/console/',
    index: false,
    cacheControl: false,
    dotfiles: 'ignore',
    setHeaders: (response, path) => {
      // Vite names files under assets/ by their content hash: a new build means new names.
      const hashed = path.startsWith(join(dir, 'assets'));
      response.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  files.get('/console/', (_request, reply) => reply.sendFile('index.html'));
}

/** A browser navigation: Accept names text/html before (or instead of) JSON. */
function wantsHtml(request: FastifyRequest): boolean {
  const accept = String(request.headers.accept ?? '').toLowerCase();
  const html = accept.indexOf('text/html');
  if (html < 0) return false;
  const json = accept.indexOf('application/json');
  return json < 0 || html < json;
}
