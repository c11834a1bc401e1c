import { createServer, type Server } from 'node:http';
import { getRequestListener, RequestError } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { IsAuthenticated, ParseError, type Tessera } from '../../src/index.js';
import { tesseraWeb, type TesseraWeb } from '../../src/web/index.js';
import { PROTECTED_AUTHENTICATION, seedApi } from '../seed-api/index.js';

/**
 * The seeds' API (examples/seed-api/) on Hono: the token views, `/api/user/`, `/studentapi/` and
 * djoser's views under `/auth`, answering as `tessera serve` answers. Your own Hono routes go
 * after the first middleware, calling `web.authenticate(c.req.raw)`.
 */
export function honoExample(tessera: Tessera): { app: Hono; web: TesseraWeb } {
  const web = tesseraWeb(tessera, seedApi(tessera));
  // @hono/node-server knows the peer's address; the Request does not carry it.
  const client = (c: Context) => ({ ip: getConnInfo(c).remote.address });
  const app = new Hono();
  app.use(async (c, next) => {
    const answer = await web.handle(c.req.raw, client(c));
    if (answer) return answer;
    await next();
  });
  // A route of the application's own, with its own authentication classes (seed 001's).
  app.get('/api/protected/', async (c) => {
    const { user } = await web.authenticate(c.req.raw, IsAuthenticated, { authentication: PROTECTED_AUTHENTICATION, ...client(c) });
    return c.json({ id: user!.id, username: user!.username });
  });
  app.notFound((c) => web.fetch(c.req.raw, client(c)));
  app.onError((error) => web.errorResponse(error));
  return { app, web };
}

/**
 * A Node HTTP server for the app, as @hono/node-server's `serve` makes one, and also: room for
 * long tokens in the Authorization header (Node's default is 16 KB), so they get DRF's 401 rather
 * than a bare 431; a request @hono/node-server cannot turn into a `Request` (a malformed `Host`, a
 * backslash in the path) answered with a DRF-shaped 400 rather than an empty one; and a request
 * without `Host` (HTTP/1.0) taken as addressed to `hostname`, as Django falls back to SERVER_NAME.
 */
export function exampleServer(app: Hono, web: TesseraWeb, hostname: string): Server {
  const listener = getRequestListener(app.fetch, {
    hostname,
    errorHandler: (error) => web.errorResponse(error instanceof RequestError ? new ParseError('Bad Request') : error),
  });
  return createServer({ maxHeaderSize: 128 * 1024 }, listener);
}
