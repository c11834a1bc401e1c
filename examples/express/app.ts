import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import type { Tessera } from '../../src/index.js';
import { tesseraExpress, type TesseraExpress } from '../../src/express/index.js';
import { PROTECTED_AUTHENTICATION, seedApi } from '../seed-api/index.js';

/**
 * The seeds' API (examples/seed-api/) on Express 5: the token views, `/api/user/` and
 * `/studentapi/`, answering as `tessera serve` answers. Your own Express routes would go between
 * `router` and `notFound`, behind `auth.authenticate()`.
 */
export function expressExample(tessera: Tessera): { app: Express; auth: TesseraExpress } {
  const auth = tesseraExpress(tessera, seedApi(tessera));
  const app = express();
  app.use(auth.router);
  // A route of the application's own, with its own authentication classes (seed 001's).
  app.get('/api/protected/', auth.authenticate(undefined, { authentication: PROTECTED_AUTHENTICATION }), (req, res) => {
    res.json({ id: req.user!.id, username: req.user!.username });
  });
  app.use(auth.notFound);
  app.use(auth.errors);
  return { app, auth };
}

/**
 * An HTTP server for the app with room for long tokens in the Authorization header (Node's
 * default is 16 KB), so they get DRF's 401 rather than a bare 431, as on `tessera serve`.
 */
export function exampleServer(app: Express): Server {
  return createServer({ maxHeaderSize: 128 * 1024 }, app);
}
