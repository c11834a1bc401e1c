import type { Permission } from '../auth/index.js';
import type { TokenViewUrls, ViewConfig } from '../contract/index.js';
import type { Tessera, TesseraOptions as CoreOptions } from '../core/index.js';
import type { Store, User } from '../store/index.js';
import type { Token } from '../tokens/index.js';

/** What the plugin puts on the Fastify instance as `app.tessera`: the core, and the guard routes use. */
export interface FastifyTessera extends Tessera {
  /**
   * A preHandler that authenticates (with the route config's classes, else the settings') and
   * then applies `permission` (DRF's `initial()`).
   */
  guard(
    permission: Permission,
    config?: import('fastify').FastifyContextConfig,
  ): (request: import('fastify').FastifyRequest) => Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    tessera: FastifyTessera;
    /** preHandler for `IsAuthenticated`, for routes declared the fastify-jwt way. */
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyRequest {
    /** The authenticated user, or null (DRF's `AnonymousUser`). */
    user: User | null;
    /** The validated token that authenticated the request, if any. */
    auth: Token | null;
    /** DRF's `request.data`: the parsed body (a form's repeated key keeps its last value). */
    readonly data: unknown;
  }
  /** DRF's view attributes on any route (`permission`, `authentication`, `throttle`, `audit`, ...). */
  interface FastifyContextConfig extends ViewConfig {}
}

/**
 * The plugin's options: a core made with `createTessera` (`tessera`), which the application
 * closes itself, or what to make one from (`settings`, `store`, ...), closed with the app.
 */
export type TesseraPluginOptions = (
  | { tessera: Tessera }
  | (Omit<CoreOptions, 'store' | 'logger'> & { store: Store; tessera?: undefined })
) & {
  /** URLs for the token views; each may have several spellings (seed 004's `gettoken/`). */
  tokenRoutes?: TokenViewUrls;
};
