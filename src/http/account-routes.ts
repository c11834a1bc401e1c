import type { FastifyInstance } from 'fastify';
import { accountViews } from '../contract/index.js';
import { mountViews } from './mount-views.js';

/**
 * djoser's API (the contract's `accountViews`) as a Fastify plugin. Register it with a prefix:
 * `app.register(accountRoutes, { prefix: '/auth' })`, after the `tessera` plugin. The email goes
 * through the core's outbox: failures to its logger, drained when the core closes.
 */
export async function accountRoutes(app: FastifyInstance): Promise<void> {
  mountViews(app, accountViews(app.tessera));
}
