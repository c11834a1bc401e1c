import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, type Dialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import type { Settings } from '../settings/index.js';
import type { CoreSchema } from './schema.js';
import { SqliteServerDialect } from './sqlite-driver.js';
import { cacheStatements } from './statement-cache.js';
import { isUnavailableError, UnavailableAwareDialect } from './unavailable.js';
import { TracedDialect } from './traced-dialect.js';
import { activeTracer } from '../telemetry/index.js';

/** The two engines tessera runs on. */
export type DatabaseEngine = 'sqlite' | 'postgres';

/** An open database: the Kysely handle and how to close it. */
export interface Database<Schema = CoreSchema> {
  db: Kysely<Schema>;
  /** Which engine, for the rare query that differs between them. */
  engine: DatabaseEngine;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connections in this process's pool (default 10). */
  poolSize?: number;
  /**
   * Seconds to wait for a connection, a query, or (SQLite) a lock before the store raises
   * `ServiceUnavailable` (default 5).
   */
  timeoutSeconds?: number;
  /** Refuse every write (a dry run): SQLite opens the file read-only, PostgreSQL sessions are read-only. */
  readOnly?: boolean;
  /** SQLite's `synchronous` (see `Settings.sqliteSynchronous`); default `normal`. */
  sqliteSynchronous?: 'normal' | 'full';
}

/** The database options a `Settings` object asks for. */
export function databaseOptions(settings: Pick<Settings, 'databasePoolSize' | 'databaseTimeout'> & Partial<Pick<Settings, 'sqliteSynchronous'>>): DatabaseOptions {
  return {
    poolSize: settings.databasePoolSize, timeoutSeconds: settings.databaseTimeout,
    ...(settings.sqliteSynchronous ? { sqliteSynchronous: settings.sqliteSynchronous } : {}),
  };
}

/** The engine a database URL names: `postgres://` / `postgresql://`, else SQLite. */
export function engineOfUrl(url: string): DatabaseEngine {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}

/** The engine behind a Kysely handle (migrations receive only the handle). */
export function engineOf<Schema>(db: Kysely<Schema>): DatabaseEngine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** The better-sqlite3 connection under each SQLite handle `openDatabase` made. */
const sqliteHandles = new WeakMap<Kysely<any>, SQLite.Database>();

/**
 * The SQLite connection under `db`, for work that must run synchronously on it (the group
 * commit); only while holding Kysely's connection, so no query of Kysely's runs at the same time.
 * @internal better-sqlite3's types stay out of the published declarations.
 */
export function sqliteHandleOf(db: Kysely<any>): SQLite.Database {
  const sqlite = sqliteHandles.get(db);
  if (!sqlite) throw new Error('not a SQLite database opened by openDatabase');
  return sqlite;
}

/**
 * Opens `sqlite:PATH` (or `sqlite::memory:`), creating the folder on first use, or
 * `postgres://...` through a pg pool. Connection errors and timeouts leave the store as
 * `ServiceUnavailable` on both engines.
 */
export function openDatabase<Schema = CoreSchema>(url: string, options: DatabaseOptions = {}): Database<Schema> {
  const timeoutMs = Math.max(1, Math.round((options.timeoutSeconds ?? 5) * 1000));
  if (engineOfUrl(url) === 'postgres') {
    const db = new Kysely<Schema>({
      dialect: traced(new UnavailableAwareDialect(postgresDialect(url, options.poolSize ?? 10, timeoutMs, options.readOnly === true)), 'postgres'),
    });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const path = url.replace(/^sqlite:/, '');
  if (path !== ':memory:' && options.readOnly !== true) mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new SQLite(path, { readonly: options.readOnly === true });
  // WAL lets readers run beside a writer; the busy timeout covers these opening pragmas;
  // foreign keys are off by default in SQLite.
  sqlite.pragma(`busy_timeout = ${timeoutMs}`);
  if (options.readOnly !== true) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // In WAL mode NORMAL cannot corrupt the database and loses nothing when the process dies; only
  // a power loss or OS crash may undo the commits since the last checkpoint. FULL fsyncs each
  // commit, which capped a rotation (two commits) at a few hundred per second.
  sqlite.pragma(`synchronous = ${options.sqliteSynchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  // Statements with RETURNING or an INSERT ... SELECT build a temporary table as they run; with
  // the default temp_store (a file) that meant creating a file each time: the rotation's blacklist
  // insert took 100-200 us instead of 10. Those tables hold a row or two.
  sqlite.pragma('temp_store = MEMORY');
  // From here on a busy database is waited for on a timer (see SqliteServerDialect), not in
  // SQLite's busy handler, which would stop this process's event loop while it sleeps.
  sqlite.pragma('busy_timeout = 0');
  const db = new Kysely<Schema>({ dialect: traced(new SqliteServerDialect(cacheStatements(sqlite), timeoutMs), 'sqlite') });
  sqliteHandles.set(db, sqlite);
  return { db, engine: 'sqlite', close: () => db.destroy() };
}

/**
 * bigint (int8: counts, 64-bit columns) as a JS number, as better-sqlite3 reads SQLite's
 * integers, so both engines hand the same values up; pg's default is a string.
 */
function typeParserOf(types: typeof pg.types): typeof pg.types.getTypeParser {
  return ((oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8 && format !== 'binary' ? (value: string) => Number(value) : types.getTypeParser(oid, format as 'text')
  ) as typeof pg.types.getTypeParser;
}

/** A Kysely dialect over `guardedPool`. */
function postgresDialect(url: string, max: number, timeoutMs: number, readOnly: boolean): Dialect {
  // pg is loaded with the first query, not at start: a SQLite server never needs it.
  return new PostgresDialect({ pool: async () => guardedPool((await import('pg')).default, url, max, timeoutMs, readOnly) });
}

/**
 * A pg pool bounded in every direction by `timeoutMs`: checking out a connection, the server
 * running a statement, and the client waiting for an answer (a server that vanished without a
 * FIN never answers). A connection that failed that way is destroyed on release, not reused.
 */
function guardedPool(pg: typeof import('pg').default, url: string, max: number, timeoutMs: number, readOnly: boolean): PostgresPool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs + 500,
    idle_in_transaction_session_timeout: timeoutMs * 2,
    keepAlive: true,
    idleTimeoutMillis: 30_000,
    ...(readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
    types: { getTypeParser: typeParserOf(pg.types) },
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled, it would end the
  // process. The pool has already dropped that client; the next checkout connects afresh.
  pool.on('error', () => undefined);
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = clients.get(client);
      if (!wrapper) {
        let broken: Error | undefined;
        // The pool listens for errors only while a client is idle: a connection reset during a
        // query (it fails that query) would otherwise be an unhandled 'error' that ends the process.
        client.on('error', (error: Error) => {
          broken = error;
        });
        const query = (...args: unknown[]): unknown => {
          const result = (client.query as (...a: unknown[]) => unknown)(...args);
          if (result instanceof Promise) {
            return result.catch((error: unknown) => {
              if (isUnavailableError(error)) broken = error instanceof Error ? error : new Error(String(error));
              throw error;
            });
          }
          return result;
        };
        wrapper = {
          query: query as PostgresPoolClient['query'],
          release: (destroy?: boolean) => client.release(broken ?? (destroy ? true : undefined)),
        } as PostgresPoolClient;
        clients.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

/** The dialect, each query in a span when an OpenTelemetry SDK is registered (asked once, here). */
function traced(dialect: Dialect, engine: DatabaseEngine): Dialect {
  const tracer = activeTracer();
  return tracer ? new TracedDialect(dialect, tracer, engine) : dialect;
}
