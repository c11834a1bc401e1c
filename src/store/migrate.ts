import type { Kysely } from 'kysely';
import { Migrator, sql, type Migration } from 'kysely';
import { engineOf } from './database.js';
import { coreInitial } from './migrations/0001_core.js';
import { authtokenInitial } from './migrations/0002_authtoken.js';
import { sessionsInitial } from './migrations/0003_sessions.js';
import { userTokenCutoff } from './migrations/0005_user_token_cutoff.js';
import { tokenFamilies } from './migrations/0006_token_families.js';
import { auditInitial } from './migrations/0007_audit.js';
import { signingKeys } from './migrations/0008_signing_keys.js';
import { tokenFamilyEndReason } from './migrations/0009_token_family_end_reason.js';
import { MIGRATION_OWNERS_MARKER, migrationOwners } from './migrations/0010_migration_owners.js';
import { sessionEndReasons } from './migrations/0011_session_end_reasons.js';
import { twoFactor } from './migrations/0012_two_factor.js';
import { passkeys } from './migrations/0013_passkeys.js';
import { emailLogin } from './migrations/0014_email_login.js';
import { groupsPermissions } from './migrations/0015_groups_permissions.js';
import { signingKeyRevocation } from './migrations/0017_signing_key_revocation.js';

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
  [MIGRATION_OWNERS_MARKER]: migrationOwners,
  '0011_session_end_reasons': sessionEndReasons,
  '0012_two_factor': twoFactor,
  '0013_passkeys': passkeys,
  '0014_email_login': emailLogin,
  '0015_groups_permissions': groupsPermissions,
  '0017_signing_key_revocation': signingKeyRevocation,
};

/**
 * An application's migrations, tracked under its own name (table `tessera_migrations_<owner>`),
 * so tessera's, the example's and an application's sets never refuse each other: the CLI can run
 * on a database an application migrated, and the application starts after the CLI ran.
 */
export interface MigrationSet {
  /** Lower-case letters, digits and `_`, starting with a letter (`notes`, `billing_v2`). */
  owner: string;
  migrations: Record<string, Migration>;
}

/** Where rows of a database migrated before owners wait for their owner to adopt them. */
const UNCLAIMED_TABLE = 'tessera_migrations_unclaimed';

const OWNER_NAME = /^[a-z][a-z0-9_]{0,39}$/;

/** The table an owner's migrations are tracked in; a bad or reserved owner name is refused. */
function tableOfOwner(owner: string): string {
  if (!OWNER_NAME.test(owner) || owner === 'unclaimed') {
    throw new RangeError(`migration owner ${JSON.stringify(owner)}: use lower-case letters, digits and _, starting with a letter (not "unclaimed")`);
  }
  return `tessera_migrations_${owner}`;
}

export interface MigrationReport {
  applied: string[];
}

/**
 * How many times a migration on SQLite is tried again when another process migrated the same file
 * at the same moment: Kysely's migration lock is a no-op on SQLite (one connection per process),
 * so two `tessera serve` processes starting together on one file can both see a migration as
 * pending; the second then finds its table made ("already exists"), the file locked, or (when the
 * migration itself is idempotent, `ifNotExists`) the migration's row recorded by the first (a UNIQUE
 * failure on the tracking table; its transaction rolled back). Tried again, it finds the migration applied.
 */
const SQLITE_MIGRATION_ATTEMPTS = 20;
const RACED = /already exists|database is locked|SQLITE_BUSY|UNIQUE constraint failed: tessera_migrations/i;

/** Applies tessera's migrations, then each set's; safe to run at every start, from several processes at once. */
export async function migrate(db: Kysely<unknown>, ...sets: MigrationSet[]): Promise<MigrationReport> {
  if (engineOf(db) !== 'sqlite') return migrateOnce(db, sets);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await migrateOnce(db, sets);
    } catch (error) {
      if (attempt >= SQLITE_MIGRATION_ATTEMPTS || !RACED.test(String((error as Error)?.message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 150));
    }
  }
}

async function migrateOnce(db: Kysely<unknown>, sets: MigrationSet[]): Promise<MigrationReport> {
  const owned = sets.map((set) => ({ ...set, table: tableOfOwner(set.owner) }));
  const all = [{ table: 'tessera_migrations', migrations: CORE_MIGRATIONS }, ...owned];
  if (await allApplied(db, all)) return { applied: [] };
  await claimLegacyRows(db);
  const applied = await migrateTable(db, 'tessera_migrations', CORE_MIGRATIONS);
  for (const set of owned) {
    await adoptUnclaimed(db, set.table, set.migrations);
    applied.push(...(await migrateTable(db, set.table, set.migrations)));
  }
  return { applied };
}

async function migrateTable(db: Kysely<unknown>, table: string, migrations: Record<string, Migration>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
    // A database migrated before a migration existed must still take it, whatever its name.
    allowUnorderedMigrations: true,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * True when each table has run exactly its migrations: one query a table, where Kysely's
 * Migrator introspects the schema and takes its lock first (most starts have nothing to do).
 * Anything else (no table yet, one to apply, one this version does not know) is left to the Migrator.
 */
async function allApplied(db: Kysely<unknown>, sets: { table: string; migrations: Record<string, Migration> }[]): Promise<boolean> {
  for (const { table, migrations } of sets) {
    const applied = await appliedNames(db, table);
    const names = Object.keys(migrations);
    if (applied === null || applied.size !== names.length || !names.every((name) => applied.has(name))) return false;
  }
  return true;
}

async function appliedNames(db: Kysely<unknown>, table: string): Promise<Set<string> | null> {
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(table)}`.execute(db);
    return new Set(rows.map((row) => row.name));
  } catch {
    return null;
  }
}

/**
 * Before migration owners, an application's migrations were recorded beside tessera's in
 * `tessera_migrations`. Once, before the marker migration runs, the names that are not tessera's
 * move to `tessera_migrations_unclaimed`, where each owner adopts its own. After the marker, a
 * name tessera does not know is a newer tessera's migration and fails as the Migrator says.
 */
async function claimLegacyRows(db: Kysely<unknown>): Promise<void> {
  const applied = await appliedNames(db, 'tessera_migrations');
  if (applied === null || applied.has(MIGRATION_OWNERS_MARKER)) return;
  const foreign = [...applied].filter((name) => !(name in CORE_MIGRATIONS));
  if (foreign.length === 0) return;
  await createTrackingTable(db, UNCLAIMED_TABLE);
  await moveRows(db, 'tessera_migrations', UNCLAIMED_TABLE, foreign);
}

/** Moves the set's names from the unclaimed rows into its own table, so they are not run again. */
async function adoptUnclaimed(db: Kysely<unknown>, table: string, migrations: Record<string, Migration>): Promise<void> {
  const unclaimed = await appliedNames(db, UNCLAIMED_TABLE);
  const mine = unclaimed === null ? [] : Object.keys(migrations).filter((name) => unclaimed.has(name));
  if (mine.length === 0) return;
  await createTrackingTable(db, table);
  await moveRows(db, UNCLAIMED_TABLE, table, mine);
}

/** Kysely's own migration table, made ahead of its Migrator (which then finds it there). */
async function createTrackingTable(db: Kysely<unknown>, table: string): Promise<void> {
  await db.schema.createTable(table).ifNotExists()
    .addColumn('name', 'varchar(255)', (column) => column.notNull().primaryKey())
    .addColumn('timestamp', 'varchar(255)', (column) => column.notNull())
    .execute();
}

/** Copies the rows, keeping their timestamps, and deletes them at the source, in one transaction (processes may race: copies are idempotent). */
async function moveRows(db: Kysely<unknown>, from: string, to: string, names: string[]): Promise<void> {
  const anyDb = db as Kysely<Record<string, { name: string; timestamp: string }>>;
  await anyDb.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom(from).select(['name', 'timestamp']).where('name', 'in', names).execute();
    if (rows.length > 0) await trx.insertInto(to).values(rows).onConflict((conflict) => conflict.doNothing()).execute();
    await trx.deleteFrom(from).where('name', 'in', names).execute();
  });
}
