/**
 * `npm run example:nextjs`: the Next.js app in this folder, served by Next's own request handler
 * on a Node HTTP server and configured as `tessera serve` is (the same TESSERA_* variables and
 * tessera.config.json), migrating tessera's tables and the seed API's at start.
 * `NODE_ENV=production` serves the build `next build examples/nextjs` made; otherwise Next's dev server.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { createTessera, loadSettings } from '../../src/index.js';
import { STUDENT_MIGRATIONS } from '../seed-api/index.js';

const settings = loadSettings({ env: process.env, cwd: process.cwd() });
const migrator = createTessera({ settings });
try {
  await migrator.migrate(STUDENT_MIGRATIONS);
} finally {
  await migrator.close();
}

const dev = process.env.NODE_ENV !== 'production';
const app = next({ dev, dir: fileURLToPath(new URL('.', import.meta.url)), hostname: settings.host, port: settings.port });
await app.prepare();
const handle = app.getRequestHandler();
// Room for long tokens in a header (Node's default is 16 KB): DRF's 401 rather than a bare 431.
const server = createServer({ maxHeaderSize: 128 * 1024 }, (request, response) => {
  // The address the throttles and the audit log see (lib/client-ip.ts): the peer, never what the
  // client wrote in X-Forwarded-For (Next.js keeps a client's own). Behind a proxy, trust its header instead.
  request.headers['x-forwarded-for'] = request.socket.remoteAddress ?? '';
  void handle(request, response);
});
server.listen(settings.port, settings.host, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`tessera is serving http://${settings.host}:${port}/ on Next.js ${dev ? '(dev)' : ''} (database ${settings.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(async () => {
      await app.close();
      // The bundles' tesseras keep timers (the revocation poll); their writes are awaited per request.
      process.exit(0);
    });
    server.closeAllConnections();
  });
}
