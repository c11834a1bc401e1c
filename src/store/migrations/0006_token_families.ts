import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { addIdColumn } from './columns.js';

/**
 * Refresh token families (sessions). Every login starts a family (`family`: 32 random hex
 * characters, also the tokens' `fam` claim); each rotation hands it on. Simple JWT's outstanding
 * table gains two nullable columns, so rows imported from Django stay valid: `family`, the session
 * a refresh token belongs to, and `successor_jti`, the token its rotation issued (set in the
 * rotation's transaction: a rotated token is one with a successor).
 */
export const tokenFamilies: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('tessera_token_family')
      .$call(addIdColumn(db))
      .addColumn('family', 'varchar(32)', (c) => c.notNull().unique())
      .addColumn('user_id', 'integer', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
      .addColumn('device_name', 'text', (c) => c.notNull())
      .addColumn('user_agent', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('tessera_token_family_user_id').on('tessera_token_family').column('user_id').execute();
    await db.schema.createIndex('tessera_token_family_revoked_at').on('tessera_token_family').column('revoked_at').execute();
    await db.schema.alterTable('token_blacklist_outstandingtoken').addColumn('family', 'varchar(32)').execute();
    await db.schema.alterTable('token_blacklist_outstandingtoken').addColumn('successor_jti', 'varchar(255)').execute();
    await db.schema
      .createIndex('token_blacklist_outstandingtoken_family')
      .on('token_blacklist_outstandingtoken')
      .column('family')
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('token_blacklist_outstandingtoken_family').execute();
    await db.schema.alterTable('token_blacklist_outstandingtoken').dropColumn('successor_jti').execute();
    await db.schema.alterTable('token_blacklist_outstandingtoken').dropColumn('family').execute();
    await db.schema.dropTable('tessera_token_family').execute();
  },
};
