import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { objectSchema } from '../http/index.js';

/** What `/ready/` asks of the Redis link on `app.tessera.redis`: false or a throw means down. */
export interface RedisProbe {
  ping(): Promise<unknown>;
}

/** The longest `/ready/` waits on one dependency: a load balancer's probe must not hang. */
const PROBE_TIMEOUT_SECONDS = 2;

type Check = 'ok' | 'unavailable' | 'not configured';

/**
 * `GET /health/` (the process answers) and `GET /ready/` (the database and Redis answer too), for
 * load balancers and orchestrators. Neither authenticates; `/health/` touches nothing shared, so a
 * database outage never makes an orchestrator restart healthy processes.
 */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const timeout = Math.min(app.tessera.settings.databaseTimeout, PROBE_TIMEOUT_SECONDS) * 1000;

  const tags = ['health'];
  const checks = { type: 'string', enum: ['ok', 'unavailable', 'not configured'] };
  const readyBody = objectSchema({ status: { type: 'string', enum: ['ready', 'not ready'] }, database: checks, redis: checks });
  app.get('/health/', {
    config: {
      name: 'Health', authentication: [],
      openapi: { tags, responses: { 200: { description: 'The process answers.', body: objectSchema({ status: { const: 'ok' } }) } } },
    },
  }, async () => ({ status: 'ok' }));

  app.get('/ready/', {
    config: {
      name: 'Ready', authentication: [],
      openapi: {
        tags,
        responses: {
          200: { description: 'The database answers (Redis may be down: see `redis`).', body: readyBody },
          503: { description: 'The database does not answer.', body: readyBody },
        },
      },
    },
  }, async (request, reply) => {
    const database = await probe(() => sql`select 1`.execute(app.tessera.store.database.db), timeout);
    // `app.tessera.redis` is null when `redisUrl` is empty: Redis is then "not configured".
    const redisClient: RedisProbe | null = app.tessera.redis;
    const redis: Check = redisClient ? await probe(() => redisClient.ping(), timeout) : 'not configured';
    // Redis is a cache and fan-out in front of the database, which stays the source of truth:
    // without Redis a node still answers correctly, so it stays in the load balancer and the
    // body says Redis is down. Only an unreachable database makes a node not ready.
    const ready = database === 'ok';
    if (!ready) request.log.warn({ database, redis }, 'not ready');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', database, redis });
  });
}

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'unavailable'>((resolve) => {
    timer = setTimeout(() => resolve('unavailable'), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([check().then((answer) => (answer === false ? 'unavailable' as const : 'ok' as const), () => 'unavailable' as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}
