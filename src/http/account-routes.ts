import type { FastifyInstance } from 'fastify';
import { Outbox } from '../accounts/index.js';
import { accountViews } from '../contract/index.js';
import { mountViews } from './mount-views.js';

/**
 * djoser's API (the contract's `accountViews`) as a Fastify plugin. Register it with a prefix:
 * `app.register(accountRoutes, { prefix: '/auth' })`, after the `tessera` plugin. Account email
 * failures go to Fastify's log; closing the app waits for email still being sent.
 */
export async function accountRoutes(app: FastifyInstance): Promise<void> {
  const outbox = new Outbox(app.tessera.mailer, ({ to, subject, error }) => {
    // The body carries links with tokens: only who and what are logged.
    app.log.error({ err: error, to, subject }, 'account email could not be sent');
  });
  app.addHook('onClose', async () => outbox.drain());
  mountViews(app, accountViews(app.tessera, { outbox }));
}
