import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { LoginReservation } from '../auth/index.js';
import type { Tessera } from '../core/index.js';
import { AbuseControl, type GuardedCall, type ViewRequest } from '../contract/index.js';

/**
 * The contract's throttling and audit log (`config.throttle`, `config.audit`) as Fastify hooks,
 * on the routes that ask only, so other requests (the hot path) pay nothing: the throttle as a
 * pre-handler after the permission's, the settling as the answer is sent.
 */
export function registerAbuseHooks(app: FastifyInstance, tessera: Tessera): void {
  const control = new AbuseControl(tessera, (message, detail) => app.log.error(detail, message));
  const reservations = new WeakMap<FastifyRequest, LoginReservation | null>();
  const callOf = (request: FastifyRequest): GuardedCall => ({
    // The plugin decorates `data`, which makes a Fastify request a view request.
    request: request as unknown as ViewRequest,
    route: request.routeOptions.url ?? request.url,
    config: request.routeOptions.config,
  });
  // Closing the server waits for audit work still running.
  app.addHook('onClose', async () => control.drain());

  app.addHook('onRoute', (route: RouteOptions) => {
    if (!AbuseControl.watches(route.config)) return;
    const reserve = async (request: FastifyRequest): Promise<void> => {
      reservations.set(request, await control.reserve(callOf(request)));
    };
    const settle = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const reservation = reservations.get(request) ?? null;
      reservations.delete(request);
      await control.settle(callOf(request), reply.statusCode, reservation);
    };
    route.preHandler = [...[route.preHandler ?? []].flat(), reserve];
    route.onSend = [...[route.onSend ?? []].flat(), settle];
  });
}
