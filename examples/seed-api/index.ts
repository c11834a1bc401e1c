/**
 * The seeds' API, written once as framework-free views for every adapter's example
 * (examples/express/, examples/hono/): seed 000's `/api/user/`, Simple JWT's token views also at
 * seed 004's `/gettoken/`, `/refreshtoken/`, `/verifytoken/`, seed 004's `/studentapi/`, and
 * djoser's account views under `/auth`. The view kit comes from `tessera/web`; every adapter
 * exports the same one.
 */
import { IsAuthenticated, type AuthenticationClassName, type Tessera } from '../../src/index.js';
import { defineView, type View } from '../../src/web/index.js';
import { studentViews } from './students.js';

export { STUDENT_MIGRATIONS } from './students.js';

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
 * Seed 001's `/api/protected/` authenticates with drf-jwt first (`Authorization: JWT <token>`, and
 * a 401 challenges `JWT realm="api"`); Simple JWT's tokens are taken too. Each example serves it
 * as a route of its own framework, to show `authenticate` with a route's own classes.
 */
export const PROTECTED_AUTHENTICATION: AuthenticationClassName[] = ['drf-jwt', 'jwt'];

/** The options an adapter (`tesseraExpress`, `tesseraWeb`) takes to serve the seeds' API. */
export function seedApi(tessera: Tessera): { tokenRoutes: typeof SEED_TOKEN_ROUTES; accountsPrefix: string; views: View[] } {
  return { tokenRoutes: SEED_TOKEN_ROUTES, accountsPrefix: '/auth', views: [userView, ...studentViews(tessera)] };
}
