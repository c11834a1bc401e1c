import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions, type RouteShorthandOptions } from 'fastify';

/** Set by whichever server answers the client; not copied from the inner app's answer. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

/**
 * Serves `GET`/`HEAD` `prefix` and `prefix/*` from a Fastify app of their own (`innerOptions`,
 * no logger), set up by `setUp` on the first request there and answering through `inject`. For pages few requests ask for whose
 * plugins are costly to load (Swagger UI, the console's static files): `serve` no longer loads
 * them before its first answer (docs/performance.md, sixth round).
 *
 * The answer goes out through `app`, so its hooks (Django's headers) apply as to any route; a 404
 * of the inner app becomes `app`'s own not-found answer (DRF-shaped).
 */
export function serveOnDemand(
  app: FastifyInstance, prefix: string, options: RouteShorthandOptions,
  setUp: (inner: FastifyInstance) => Promise<void>, innerOptions: FastifyServerOptions = {},
): void {
  const build = async () => {
    const built = Fastify({ ...innerOptions, logger: false });
    await setUp(built);
    await built.ready();
    return built;
  };
  let inner: Promise<FastifyInstance> | undefined;
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    // A failed build (a broken install) is tried again by the next request, not remembered.
    inner ??= build().catch((error: unknown) => {
      inner = undefined;
      throw error;
    });
    const answer = await (await inner).inject({ method: request.method as 'GET' | 'HEAD', url: request.url, headers: request.headers });
    if (answer.statusCode === 404) return reply.callNotFound();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) reply.header(name, value);
    }
    return reply.code(answer.statusCode).send(answer.rawPayload);
  };
  // The router ignores trailing slashes, so `prefix` is also `prefix/`, which the wildcard misses.
  app.get(prefix, options, handler);
  app.get(`${prefix}/*`, options, handler);
  app.addHook('onClose', async () => {
    if (inner) await (await inner.catch(() => undefined))?.close();
  });
}
