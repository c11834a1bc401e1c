import type { User as TesseraUser } from '../store/index.js';
import type { Token } from '../tokens/index.js';

/**
 * `req.user` and `req.auth` on Express's own `Request` type, as passport declares `req.user`
 * (an `Express.User` that may be undefined), so the two can be used in one project.
 */
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends TesseraUser {}
    interface Request {
      /** The authenticated user (DRF's `request.user`); undefined for an anonymous request. */
      user?: User | undefined;
      /** The validated token that authenticated the request, if any (DRF's `request.auth`). */
      auth?: Token | undefined;
    }
  }
}

export {};
