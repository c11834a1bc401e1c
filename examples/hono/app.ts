import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import type { Tessera } from '../../src/index.js';
import { tesseraWeb, type TesseraWeb } from '../../src/web/index.js';
import { seedApi } from '../seed-api/index.js';

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
  app.notFound((c) => web.fetch(c.req.raw, client(c)));
  app.onError((error) => web.errorResponse(error));
  return { app, web };
}
