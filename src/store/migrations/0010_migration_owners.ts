import type { Migration } from 'kysely';

/**
 * The marker that each migration set is tracked under its own owner (`migrate()` in
 * ../migrate.ts): once it has run, `tessera_migrations` holds tessera's migrations only.
 * It changes no table; the move of older databases' rows happens before it, in `migrate()`.
 */
export const MIGRATION_OWNERS_MARKER = '0010_migration_owners';

export const migrationOwners: Migration = {
  async up() {},
};
