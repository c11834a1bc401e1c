import type SQLite from 'better-sqlite3';
import { trimOldest } from '../oldest-first.js';

/**
 * Makes `database.prepare(sql)` answer a statement prepared before for the same SQL text (the
 * least recently used of `max` go first). Kysely's SQLite driver prepares every query it runs;
 * SQLite's parsing and planning was the largest single cost of an authenticated request. Safe for
 * Kysely's use: it only calls `all`, `run` and `iterate`, never a mode setter (`raw`, `pluck`,
 * `safeIntegers`) that would leak to the next caller, and runs one query at a time per connection.
 * SQLite re-prepares a cached statement by itself when a migration changes the schema.
 */
export function cacheStatements(database: SQLite.Database, max = 256): SQLite.Database {
  const prepare = database.prepare.bind(database);
  const statements = new Map<string, SQLite.Statement>();
  database.prepare = ((sql: string) => {
    let statement = statements.get(sql);
    if (statement) statements.delete(sql);
    else statement = prepare(sql);
    statements.set(sql, statement);
    trimOldest(statements, max);
    return statement;
  }) as SQLite.Database['prepare'];
  return database;
}
