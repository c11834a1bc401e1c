import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { addIdColumn } from './columns.js';

/**
 * A second factor (issue 21): one TOTP device a user (`secret` encrypted, see `TotpSecretBox`;
 * `confirmed_at` null while enrollment is pending; `last_step`, the last 30 s step a code was
 * accepted for, so a code is good once), the recovery codes' hashes (each used once), and the
 * login challenges already answered (kept until they expire, so each is good once).
 */
export const twoFactor: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('tessera_totp_device')
      .$call(addIdColumn(db))
      .addColumn('user_id', 'integer', (c) => c.notNull().unique().references('auth_user.id').onDelete('cascade'))
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('confirmed_at', 'text')
      .addColumn('last_step', 'integer')
      .execute();
    await db.schema
      .createTable('tessera_recovery_code')
      .$call(addIdColumn(db))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
      .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema.createIndex('tessera_recovery_code_user_id').on('tessera_recovery_code').column('user_id').execute();
    await db.schema
      .createTable('tessera_two_factor_challenge')
      .addColumn('jti', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('tessera_two_factor_challenge').execute();
    await db.schema.dropTable('tessera_recovery_code').execute();
    await db.schema.dropTable('tessera_totp_device').execute();
  },
};
