import type SQLite from 'better-sqlite3';
import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/**
 * A hot query compiled to SQL once, then run with new parameter values: Kysely otherwise builds
 * and compiles its tree on every call, which was a tenth of an authenticated request's time.
 * `build` must make the query with placeholder values whose parameters come in the order
 * `execute` is given them (one parameter per value, no literal folded into the SQL text).
 */
export class PrecompiledQuery<Row> {
  private compiled: CompiledQuery<Row> | null = null;

  constructor(
    private readonly db: Kysely<any>,
    private readonly build: () => Compilable<Row>,
  ) {}

  /** The rows the query answers with these parameters; `on` runs it elsewhere (a transaction). */
  async execute(parameters: readonly unknown[], on: Kysely<any> = this.db): Promise<Row[]> {
    const { rows } = await on.executeQuery<Row>({ ...this.compiledFor(parameters), parameters });
    return rows;
  }

  /**
   * The same, run at once on a SQLite connection (inside a group commit, `GroupWrite`): the rows
   * a reader or a RETURNING clause gives, none for a plain write.
   */
  runNow(sqlite: SQLite.Database, parameters: readonly unknown[]): Row[] {
    const statement = sqlite.prepare(this.compiledFor(parameters).sql);
    if (statement.reader) return statement.all(parameters as unknown[]) as Row[];
    statement.run(parameters as unknown[]);
    return [];
  }

  private compiledFor(parameters: readonly unknown[]): CompiledQuery<Row> {
    this.compiled ??= this.build().compile();
    if (parameters.length !== this.compiled.parameters.length) throw new Error('PrecompiledQuery: wrong number of parameters');
    return this.compiled;
  }
}

/**
 * Statements run one after another, each chosen from the rows the one before answered (a
 * generator yields `[query, parameters]` and is handed the rows back): written once, run
 * synchronously inside SQLite's group commit (`runStepsNow`) or awaited one by one (`runSteps`).
 */
export type QuerySteps<T> = Generator<[PrecompiledQuery<unknown>, readonly unknown[]], T, unknown[]>;

export function runStepsNow<T>(sqlite: SQLite.Database, steps: QuerySteps<T>): T {
  let step = steps.next([]);
  while (!step.done) step = steps.next(step.value[0].runNow(sqlite, step.value[1]));
  return step.value;
}

export async function runSteps<T>(on: Kysely<any>, steps: QuerySteps<T>): Promise<T> {
  let step = steps.next([]);
  while (!step.done) step = steps.next(await step.value[0].execute(step.value[1], on));
  return step.value;
}
