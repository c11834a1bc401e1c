import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * DRF's `rest_framework.authtoken` table, column for column, so `import-django` copies Django's
 * rows as they are: the 40-character key is the primary key, one token per user.
 */
export const authtokenInitial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('authtoken_token')
      .addColumn('key', 'varchar(40)', (c) => c.primaryKey())
      .addColumn('user_id', 'integer', (c) => c.notNull().unique().references('auth_user.id').onDelete('cascade'))
      .addColumn('created', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('authtoken_token').execute();
  },
};
