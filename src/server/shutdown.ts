import type { FastifyInstance } from 'fastify';

/** How a graceful close ended: every request finished, or the deadline cut the rest off. */
export type CloseOutcome = 'drained' | 'forced';

/**
 * Stops accepting connections, lets requests in flight finish for up to `timeoutSeconds`, then
 * runs the app's onClose hooks (database pool, Redis, email outbox). Past the deadline the
 * remaining connections are destroyed so the process can still exit.
 */
export async function closeGracefully(app: FastifyInstance, timeoutSeconds: number): Promise<CloseOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CloseOutcome>((resolve) => {
    timer = setTimeout(() => resolve('forced'), timeoutSeconds * 1000);
    timer.unref();
  });
  const closed = app.close().then(() => 'drained' as const);
  const outcome = await Promise.race([closed, deadline]);
  clearTimeout(timer);
  if (outcome === 'forced') {
    app.log.warn({ timeoutSeconds }, 'shutdown timeout reached; closing the connections still open');
    app.server.closeAllConnections();
    // The hooks still run once the server has let go of its sockets; give them a moment.
    await Promise.race([closed.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }
  return outcome;
}
