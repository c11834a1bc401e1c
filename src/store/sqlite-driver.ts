import type SQLite from 'better-sqlite3';
import {
  CompiledQuery, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type DatabaseConnection, type DatabaseIntrospector, type Dialect, type DialectAdapter, type Driver, type Kysely,
  type QueryCompiler, type QueryResult,
} from 'kysely';
import { translateUnavailable } from './unavailable.js';

/**
 * Kysely's SQLite dialect, with two changes a server needs:
 *
 * - The one connection is handed to waiters in turn (a FIFO queue, O(1) per release). Kysely's
 *   own mutex wakes every waiter on each release and all but one go back to sleep, so with 50
 *   requests in flight each query paid for 50 wake-ups (measured: 0.5 ms a lookup at 10,000
 *   concurrent lookups instead of 8 us).
 * - SQLITE_BUSY (another process holds the write lock, e.g. `tessera flushexpiredtokens`) is
 *   retried on a timer instead of in SQLite's busy handler: better-sqlite3 is synchronous, so the
 *   busy handler's sleeps stopped the whole event loop, and every request with it. The database
 *   is opened with `busy_timeout = 0`; a statement still failing after `timeoutMs` raises
 *   SQLITE_BUSY as before (`ServiceUnavailable`).
 *
 * Errors meaning "unavailable" are translated here, so this driver needs no other wrapper.
 */
export class SqliteServerDialect implements Dialect {
  constructor(private readonly database: SQLite.Database, private readonly timeoutMs: number) {}
  createDriver(): Driver {
    return new SqliteServerDriver(this.database, this.timeoutMs);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/**
 * Delays (ms) between attempts at a statement that met SQLITE_BUSY; the last repeats. Short: a
 * process has one waiting statement at most (the rest queue for the connection), an attempt costs
 * microseconds, and a lock holder that pauses between batches (the flush) pauses for milliseconds.
 */
const BUSY_RETRY_DELAYS = [0, 1, 1, 2];

class SqliteServerDriver implements Driver {
  private readonly connection: SqliteServerConnection;
  private held = false;
  private readonly waiters: ((connection: DatabaseConnection) => void)[] = [];

  constructor(private readonly database: SQLite.Database, timeoutMs: number) {
    this.connection = new SqliteServerConnection(database, timeoutMs);
  }

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(this.connection);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  releaseConnection(): Promise<void> {
    const next = this.waiters.shift();
    // Handed straight to the next waiter: the connection never looks free while others wait.
    if (next) next(this.connection);
    else this.held = false;
    return Promise.resolve();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoted(name)}`));
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoted(name)}`));
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoted(name)}`));
  }

  async destroy(): Promise<void> {
    this.database.close();
  }
}

/** A savepoint name as an SQL identifier. */
function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

class SqliteServerConnection implements DatabaseConnection {
  constructor(private readonly database: SQLite.Database, private readonly timeoutMs: number) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return Promise.resolve(this.run<R>(query));
    } catch (error) {
      if (!isBusy(error)) return Promise.reject(translateUnavailable(error));
      return this.retryWhileBusy<R>(query, Date.now() + this.timeoutMs);
    }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const statement = this.database.prepare(query.sql);
    for (const row of statement.iterate(query.parameters as unknown[])) yield { rows: [row as R] };
  }

  private run<R>({ sql, parameters }: CompiledQuery): QueryResult<R> {
    const statement = this.database.prepare(sql);
    if (statement.reader) return { rows: statement.all(parameters as unknown[]) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters as unknown[]);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  private async retryWhileBusy<R>(query: CompiledQuery, deadline: number): Promise<QueryResult<R>> {
    for (let attempt = 0; ; attempt++) {
      const delay = BUSY_RETRY_DELAYS[Math.min(attempt, BUSY_RETRY_DELAYS.length - 1)]!;
      await new Promise((resolve) => (delay === 0 ? setImmediate(resolve) : setTimeout(resolve, delay)));
      try {
        return this.run<R>(query);
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw translateUnavailable(error);
      }
    }
  }
}

/**
 * SQLITE_BUSY and SQLITE_BUSY_RECOVERY can be retried as they are; SQLITE_BUSY_SNAPSHOT (a
 * transaction's snapshot went stale) cannot: only the whole transaction could, so it fails.
 */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_RECOVERY';
}
