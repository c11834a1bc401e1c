import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { addIdColumn } from './columns.js';

/**
 * Passkeys (WebAuthn credentials) and the challenges their ceremonies sign. A credential row holds
 * a public key only: nothing in it signs anything. `counter` is the authenticator's signature
 * counter (32-bit unsigned, hence bigint). A challenge is kept by its SHA-256 and deleted when
 * used, so each is good once, in whichever process the answer lands.
 */
export const passkeys: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('tessera_passkey')
      .$call(addIdColumn(db))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
      .addColumn('credential_id', 'varchar(1400)', (c) => c.notNull().unique())
      .addColumn('user_handle', 'varchar(64)', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('transports', 'text', (c) => c.notNull())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('device_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('backed_up', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .execute();
    await db.schema.createIndex('tessera_passkey_user_id').on('tessera_passkey').column('user_id').execute();
    await db.schema
      .createTable('tessera_passkey_challenge')
      .addColumn('challenge_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
      .addColumn('user_id', 'integer', (c) => c.references('auth_user.id').onDelete('cascade'))
      .addColumn('user_handle', 'varchar(64)')
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('tessera_passkey_challenge_expires_at').on('tessera_passkey_challenge').column('expires_at').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('tessera_passkey_challenge').execute();
    await db.schema.dropTable('tessera_passkey').execute();
  },
};
