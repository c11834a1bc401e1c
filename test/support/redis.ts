import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';

/** The Redis the suite uses (`TESSERA_TEST_REDIS_URL`, default the local one). */
export const TEST_REDIS_URL = process.env.TESSERA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/**
 * Null when Redis answers; otherwise why its tests are skipped. With `TESSERA_REQUIRE_SERVICES=1`
 * (CI) a missing Redis is an error instead, so a skipped suite never passes for a green one.
 */
export async function redisSkipReason(): Promise<string | null> {
  const client = new Redis(TEST_REDIS_URL, {
    lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    const reason = `Redis is not reachable at ${TEST_REDIS_URL} (${(error as Error).message}); start redis-server or set TESSERA_TEST_REDIS_URL`;
    if (process.env.TESSERA_REQUIRE_SERVICES === '1') throw new Error(`${reason} (TESSERA_REQUIRE_SERVICES=1)`);
    console.log(`# skipping Redis tests: ${reason}`);
    return reason;
  } finally {
    client.disconnect();
  }
}

/** A key prefix no other test or run uses. */
export function randomPrefix(): string {
  return `tessera-test:${randomBytes(6).toString('hex')}:`;
}

/** A plain client for assertions, and a way to delete everything under a prefix. */
export function testRedis(): Redis {
  const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  return client;
}

/** Deletes every key under `prefix`; answers how many there were. */
export async function deleteKeys(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await client.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Polls `check` every 10 ms until it holds or `timeoutMs` passes; answers whether it held. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A TCP proxy in front of Redis that a test can cut (every connection dropped, new ones refused)
 * and restore on the same port, to play a Redis outage without stopping the shared Redis.
 */
export class CuttableProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  static forUrl(url: string): CuttableProxy {
    const parsed = new URL(url);
    return new CuttableProxy({ host: parsed.hostname, port: Number(parsed.port || 6379) });
  }

  /** `redis://` URL through the proxy, with the target's database. */
  urlFor(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Drops every connection and stops accepting new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Accepts connections again, on the same port. */
  async restore(): Promise<void> {
    await this.start();
  }
}
