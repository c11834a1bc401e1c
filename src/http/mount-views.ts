import type { FastifyInstance } from 'fastify';
import type { View, ViewRequest } from '../contract/index.js';

/**
 * The contract's views as Fastify routes: the plugin's hooks then run DRF's pipeline around them
 * (authentication and permission, throttle, body check, audit, answer shapes, headers). A Fastify
 * request is a view request once the plugin decorates `data`; its reply is a view reply as it is.
 */
export function mountViews(app: FastifyInstance, views: readonly View[]): void {
  for (const view of views) {
    app.route({
      method: [view.method].flat(),
      url: view.url,
      config: view.config,
      handler: async (request, reply) => {
        const body = await view.handle(request as unknown as ViewRequest, reply);
        // Fastify refuses a promise of undefined: an answer without a body is sent empty.
        return body === undefined ? reply.send() : body;
      },
    });
  }
}
