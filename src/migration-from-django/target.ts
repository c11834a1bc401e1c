import { existsSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Migration } from 'kysely';
import type { BlacklistedTokenTable, CoreSchema, OutstandingTokenTable, UserTable } from '../store/index.js';
import { openStore } from '../store/index.js';

/** The tables the import writes; `authtoken_token` only where tessera's migrations made it. */
export interface TargetSchema {
  auth_user: UserTable;
  token_blacklist_outstandingtoken: OutstandingTokenTable;
  token_blacklist_blacklistedtoken: BlacklistedTokenTable;
  authtoken_token: { key: string; user_id: number; created: string };
}

/** tessera's database as the importer sees it. */
export function asTarget(db: Kysely<CoreSchema>): Kysely<TargetSchema> {
  // The core schema may or may not declare authtoken_token yet; its presence is checked at run time.
  return db as unknown as Kysely<TargetSchema>;
}

/** Names of the tables in tessera's database. */
export async function targetTables(db: Kysely<TargetSchema>): Promise<Set<string>> {
  return new Set((await db.introspection.getTables()).map((t) => t.name));
}

/**
 * tessera's database for a dry run, opened so that nothing is written: an existing SQLite file
 * read-only, or, when there is none yet, an empty in-memory database migrated as a real run would
 * (core migrations plus `migrations`).
 */
export async function openDryRunTarget(
  databaseUrl: string,
  migrations: Record<string, Migration>,
): Promise<{ db: Kysely<TargetSchema>; description: string; close(): Promise<void> }> {
  const path = databaseUrl.replace(/^sqlite:/, '');
  if (path !== ':memory:' && existsSync(path)) {
    const db = new Kysely<TargetSchema>({ dialect: new SqliteDialect({ database: new SQLite(path, { readonly: true }) }) });
    return { db, description: databaseUrl, close: () => db.destroy() };
  }
  const store = openStore('sqlite::memory:');
  await store.migrate(migrations);
  return { db: asTarget(store.database.db), description: `${databaseUrl} (not created yet)`, close: () => store.close() };
}
