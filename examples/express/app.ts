import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import { IsAuthenticated, type Tessera } from '../../src/index.js';
import { defineView, tesseraExpress, type TesseraExpress } from '../../src/express/index.js';
import { studentViews } from './students.js';

/** The token URLs the seeds use: Simple JWT's, and seed 004's `gettoken/`, `refreshtoken/`, `verifytoken/`. */
const SEED_TOKEN_ROUTES = {
  obtain: ['/api/token/', '/gettoken/'],
  refresh: ['/api/token/refresh/', '/refreshtoken/'],
  verify: ['/api/token/verify/', '/verifytoken/'],
  blacklist: ['/api/token/blacklist/'],
};

/** Seed 000's `/api/user/`: who the access token is for. */
const userView = defineView({
  method: 'GET',
  url: '/api/user/',
  config: { permission: IsAuthenticated, name: 'User' },
  handle: (request) => ({ id: request.user!.id, username: request.user!.username }),
});

/**
 * The seeds' API on Express 5: the token views, `/api/user/` and `/studentapi/`, answering as
 * `tessera serve` answers. Your own Express routes would go between `router` and `notFound`,
 * behind `auth.authenticate()`.
 */
export function expressExample(tessera: Tessera): { app: Express; auth: TesseraExpress } {
  const auth = tesseraExpress(tessera, { tokenRoutes: SEED_TOKEN_ROUTES, accountsPrefix: '/auth', views: [userView, ...studentViews(tessera)] });
  const app = express();
  app.use(auth.router);
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
