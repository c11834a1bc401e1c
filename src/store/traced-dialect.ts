import { SpanKind, type Tracer } from '@opentelemetry/api';
import type {
  CompiledQuery, DatabaseConnection, DatabaseIntrospector, Dialect, DialectAdapter, Driver, Kysely, QueryCompiler, QueryResult, TransactionSettings,
} from 'kysely';
import { inSpan } from '../telemetry/index.js';
import type { DatabaseEngine } from './database.js';

/** OpenTelemetry's `db.system.name` for each engine. */
const SYSTEM_NAMES: Record<DatabaseEngine, string> = { sqlite: 'sqlite', postgres: 'postgresql' };

/**
 * A Kysely dialect whose every query runs in a client span, `SELECT` / `INSERT` / `BEGIN` ...,
 * with the SQL text: Kysely sends values as parameters (`?`, `$1`), and the parameters are never
 * recorded, so no password hash, token or code reaches a span. Used only while an OpenTelemetry
 * SDK is registered (`openDatabase`).
 */
export class TracedDialect implements Dialect {
  constructor(private readonly inner: Dialect, private readonly tracer: Tracer, private readonly engine: DatabaseEngine) {}
  createDriver(): Driver {
    return new TracedDriver(this.inner.createDriver(), this.tracer, SYSTEM_NAMES[this.engine]);
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

class TracedDriver implements Driver {
  /** Our wrapper of each connection -> the inner driver's own (it releases only its own). */
  readonly #inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
  constructor(private readonly driver: Driver, private readonly tracer: Tracer, private readonly system: string) {}

  init(): Promise<void> {
    return this.driver.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.driver.acquireConnection();
    const wrapped: DatabaseConnection = {
      executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> => this.traced(query.sql, () => connection.executeQuery<R>(query)),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => connection.streamQuery<R>(query, chunkSize),
    };
    this.#inner.set(wrapped, connection);
    return wrapped;
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.traced('begin', () => this.driver.beginTransaction(this.unwrap(connection), settings));
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.traced('commit', () => this.driver.commitTransaction(this.unwrap(connection)));
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.traced('rollback', () => this.driver.rollbackTransaction(this.unwrap(connection)));
  }
  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.driver.savepoint!(this.unwrap(connection), name, compile);
  }
  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.driver.rollbackToSavepoint!(this.unwrap(connection), name, compile);
  }
  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.driver.releaseSavepoint!(this.unwrap(connection), name, compile);
  }
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(this.unwrap(connection));
  }
  destroy(): Promise<void> {
    return this.driver.destroy();
  }

  private traced<T>(sql: string, run: () => Promise<T>): Promise<T> {
    const operation = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'QUERY';
    return inSpan(this.tracer, operation, { 'db.system.name': this.system, 'db.operation.name': operation, 'db.query.text': sql }, SpanKind.CLIENT, run);
  }

  private unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.#inner.get(connection) ?? connection;
  }
}
