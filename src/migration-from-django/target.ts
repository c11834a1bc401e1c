import { existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { CoreSchema } from '../store/index.js';
import { engineOfUrl, openDatabase, openStore, type DatabaseOptions } from '../store/index.js';

/** The tables the import writes (tessera's own schema's, so the two cannot drift apart). */
export type TargetSchema = Pick<CoreSchema,
  | 'auth_user' | 'token_blacklist_outstandingtoken' | 'token_blacklist_blacklistedtoken' | 'authtoken_token'
  | 'auth_group' | 'auth_permission' | 'auth_group_permissions' | 'auth_user_groups' | 'auth_user_user_permissions'
  | 'tessera_user_fields'>;

/** tessera's database as the importer sees it. */
export function asTarget(db: Kysely<CoreSchema>): Kysely<TargetSchema> {
  return db as unknown as Kysely<TargetSchema>;
}

/** Names of the tables in tessera's database. */
export async function targetTables(db: Kysely<TargetSchema>): Promise<Set<string>> {
  return new Set((await db.introspection.getTables()).map((t) => t.name));
}

/**
 * tessera's database for a dry run, opened so that nothing is written: an existing SQLite file
 * read-only, a PostgreSQL database in read-only sessions, or, when there is no database (or no
 * tables) yet, an empty in-memory database migrated as a real run would (tessera's migrations).
 */
export async function openDryRunTarget(
  databaseUrl: string,
  options: DatabaseOptions = {},
): Promise<{ db: Kysely<TargetSchema>; description: string; close(): Promise<void> }> {
  const path = databaseUrl.replace(/^sqlite:/, '');
  if (engineOfUrl(databaseUrl) === 'postgres' || (path !== ':memory:' && existsSync(path))) {
    const existing = openDatabase<TargetSchema>(databaseUrl, { ...options, readOnly: true });
    if ((await targetTables(existing.db)).has('auth_user')) return { db: existing.db, description: databaseUrl, close: () => existing.close() };
    await existing.close();
  }
  const store = openStore('sqlite::memory:');
  await store.migrate();
  return { db: asTarget(store.database.db), description: `${databaseUrl} (not created yet)`, close: () => store.close() };
}
