import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';

/** The engine the suite runs on: `TESSERA_TEST_DATABASE=postgres`, else SQLite. */
export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.TESSERA_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/** The server the PostgreSQL run creates its databases on (the `postgres` maintenance database). */
export const POSTGRES_ADMIN_URL = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  /** Drops the database (PostgreSQL); SQLite files go with their temporary folder. */
  drop(): Promise<void>;
}

/**
 * A database of its own for one server or store: a SQLite file in `dir`, or, on the PostgreSQL
 * run, a freshly created `tessera_test_<random>` database.
 */
export async function createTestDatabase(dir: string, engine = TEST_ENGINE): Promise<TestDatabase> {
  if (engine === 'sqlite') return { url: `sqlite:${join(dir, 'test.sqlite3')}`, drop: async () => undefined };
  return createPostgresDatabase();
}

/** A freshly created, empty PostgreSQL database; `drop` removes it even with connections open. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `tessera_test_${randomBytes(8).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
