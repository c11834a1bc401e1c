import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * Per-user revocation cut-offs: every token of `user_id` issued before `cutoff` (ISO-8601 text,
 * as every date here) is refused. One row a user, raised by "log out everywhere" and password
 * changes; the revocation layer keeps them in memory and fans new ones out through Redis.
 */
export const userTokenCutoff: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('tessera_user_token_cutoff')
      .addColumn('user_id', 'integer', (c) => c.primaryKey().references('auth_user.id').onDelete('cascade'))
      .addColumn('cutoff', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('tessera_user_token_cutoff').execute();
  },
};
