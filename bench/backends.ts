import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

/** A database tessera runs on for one bench run, and how to remove it. */
export interface BenchDatabase {
  url: string;
  engine: 'sqlite' | 'postgres';
  drop(): Promise<void>;
}

const POSTGRES_ADMIN_URL = process.env.TESSERA_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TESSERA_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A fresh SQLite file in `dir`, or a freshly created PostgreSQL database dropped by `drop`. */
export async function createBenchDatabase(dir: string, postgres: boolean): Promise<BenchDatabase> {
  if (!postgres) return { url: `sqlite:${join(dir, 'bench.sqlite3')}`, engine: 'sqlite', drop: async () => undefined };
  const name = `tessera_bench_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), engine: 'postgres', drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Redis settings for tessera under a key prefix of this run's own, and a clean-up deleting its keys. */
export function benchRedis(): { env: Record<string, string>; clean(): Promise<number> } {
  const prefix = `tessera-bench:${randomBytes(6).toString('hex')}:`;
  return {
    env: { TESSERA_REDIS_URL: REDIS_URL, TESSERA_REDIS_KEY_PREFIX: prefix },
    clean: async () => {
      const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      client.on('error', () => undefined);
      let cursor = '0';
      let deleted = 0;
      try {
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) deleted += await client.del(...keys);
        } while (cursor !== '0');
      } finally {
        client.disconnect();
      }
      return deleted;
    },
  };
}
