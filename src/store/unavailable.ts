import type {
  CompiledQuery, DatabaseConnection, Dialect, DialectAdapter, Driver, Kysely, QueryCompiler, QueryResult, TransactionSettings,
} from 'kysely';
import type { DatabaseIntrospector } from 'kysely';
import { ServiceUnavailable } from '../errors.js';

/** Network errors that mean "the database cannot be reached", not "the query is wrong". */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs for the same: class 08 (connection exception), 53300 too many
 * connections, 57014 statement timeout (our `databaseTimeout`), 57P01-57P03 shutting down or
 * starting up.
 */
const POSTGRES_STATES = /^(08...|53300|57014|57P0[123])$/;

/** pg's own messages for a dead or timed-out connection (it gives these no code). */
const PG_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed and is not queryable)/;

/**
 * True when `error` says the database is down, unreachable, overloaded or too slow: the request
 * may succeed later, so it is a 503, not a 500. SQLite's SQLITE_BUSY only reaches us after the
 * busy timeout has run out, which is the same "too slow" on the embedded engine.
 */
export function isUnavailableError(error: unknown): boolean {
  if (error instanceof ServiceUnavailable) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || code.startsWith('SQLITE_BUSY')) return true;
    if (POSTGRES_STATES.test(code)) return true;
  }
  return typeof message === 'string' && PG_MESSAGES.test(message);
}

/** `error` as `ServiceUnavailable` when it means the database is unavailable, else unchanged. */
export function translateUnavailable(error: unknown): unknown {
  return isUnavailableError(error) && !(error instanceof ServiceUnavailable) ? new ServiceUnavailable(undefined, { cause: error }) : error;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateUnavailable(error);
  }
}

/**
 * Wraps a Kysely dialect so that errors meaning "database unavailable" leave the store as
 * `ServiceUnavailable`, whatever the engine; every other error passes through untouched.
 */
export class UnavailableAwareDialect implements Dialect {
  constructor(private readonly inner: Dialect) {}
  createDriver(): Driver {
    return new UnavailableAwareDriver(this.inner.createDriver());
  }
  createQueryCompiler(): QueryCompiler {
    return this.inner.createQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return this.inner.createAdapter();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return this.inner.createIntrospector(db);
  }
}

class UnavailableAwareDriver implements Driver {
  /** Our wrapper of each connection -> the inner driver's own (it releases only its own). */
  readonly #inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
  constructor(private readonly driver: Driver) {}

  init(): Promise<void> {
    return guarded(() => this.driver.init());
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await guarded(() => this.driver.acquireConnection());
    const wrapped: DatabaseConnection = {
      executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> => guarded(() => connection.executeQuery<R>(query)),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => connection.streamQuery<R>(query, chunkSize),
    };
    this.#inner.set(wrapped, connection);
    return wrapped;
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return guarded(() => this.driver.beginTransaction(this.unwrap(connection), settings));
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return guarded(() => this.driver.commitTransaction(this.unwrap(connection)));
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return guarded(() => this.driver.rollbackTransaction(this.unwrap(connection)));
  }
  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return guarded(() => this.driver.savepoint!(this.unwrap(connection), name, compile));
  }
  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return guarded(() => this.driver.rollbackToSavepoint!(this.unwrap(connection), name, compile));
  }
  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return guarded(() => this.driver.releaseSavepoint!(this.unwrap(connection), name, compile));
  }
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(this.unwrap(connection));
  }
  destroy(): Promise<void> {
    return this.driver.destroy();
  }

  private unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.#inner.get(connection) ?? connection;
  }
}
