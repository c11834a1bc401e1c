import type { Kysely } from 'kysely';
import { Migrator, sql, type Migration } from 'kysely';
import { coreInitial } from './migrations/0001_core.js';
import { authtokenInitial } from './migrations/0002_authtoken.js';
import { sessionsInitial } from './migrations/0003_sessions.js';
import { userTokenCutoff } from './migrations/0005_user_token_cutoff.js';
import { tokenFamilies } from './migrations/0006_token_families.js';
import { auditInitial } from './migrations/0007_audit.js';
import { signingKeys } from './migrations/0008_signing_keys.js';
import { tokenFamilyEndReason } from './migrations/0009_token_family_end_reason.js';

/** Core migrations by name; names sort in the order they must run. */
export const CORE_MIGRATIONS: Record<string, Migration> = {
  '0001_core_initial': coreInitial,
  '0002_authtoken': authtokenInitial,
  '0003_sessions': sessionsInitial,
  '0005_user_token_cutoff': userTokenCutoff,
  '0006_token_families': tokenFamilies,
  '0007_audit': auditInitial,
  '0008_signing_keys': signingKeys,
  '0009_token_family_end_reason': tokenFamilyEndReason,
};

export interface MigrationReport {
  applied: string[];
}

/** Applies core migrations and any the application adds; safe to run at every start. */
export async function migrate(db: Kysely<unknown>, extra: Record<string, Migration> = {}): Promise<MigrationReport> {
  const migrations = { ...CORE_MIGRATIONS, ...extra };
  if (await allApplied(db, Object.keys(migrations))) return { applied: [] };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'tessera_migrations',
    migrationLockTableName: 'tessera_migrations_lock',
    // Core and application migrations interleave by name (`0002_authtoken` sorts before an
    // application's `0002_...`); a database migrated before a core migration existed must still take it.
    allowUnorderedMigrations: true,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/**
 * True when the database has run exactly these migrations: one query, where Kysely's Migrator
 * introspects the schema and takes its lock first (most starts have nothing to do). Anything else
 * (no table yet, one to apply, one this version does not know) is left to the Migrator.
 */
async function allApplied(db: Kysely<unknown>, names: string[]): Promise<boolean> {
  let rows: { name: string }[];
  try {
    ({ rows } = await sql<{ name: string }>`select name from tessera_migrations`.execute(db));
  } catch {
    return false;
  }
  const applied = new Set(rows.map((row) => row.name));
  return applied.size === names.length && names.every((name) => applied.has(name));
}
