import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { CoreSchema } from './schema.js';

/** An open database: the Kysely handle and how to close it. */
export interface Database<Schema = CoreSchema> {
  db: Kysely<Schema>;
  /** `sqlite`, for the rare query that differs between engines. */
  engine: 'sqlite';
  close(): Promise<void>;
}

/** Opens `sqlite:PATH` (or `sqlite::memory:`), creating the folder on first use. */
export function openDatabase<Schema = CoreSchema>(url: string): Database<Schema> {
  const path = url.replace(/^sqlite:/, '');
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL lets readers run beside a writer; the busy timeout makes concurrent writers wait
  // instead of failing with SQLITE_BUSY; foreign keys are off by default in SQLite.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, engine: 'sqlite', close: () => db.destroy() };
}
