import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { addIdColumn } from './columns.js';

/**
 * The signing keyring (`tessera keys`), shared by every node through the database. `private_pem`
 * holds private keys in clear PKCS#8 PEM: whoever can read this table can sign tokens, so the
 * database deserves the protection the HMAC `signingKey` gets. Dates are ISO-8601 text.
 */
export const signingKeys: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('tessera_signing_key')
      .$call(addIdColumn(db))
      .addColumn('kid', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('alg', 'varchar(8)', (c) => c.notNull())
      .addColumn('private_pem', 'text', (c) => c.notNull())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('activated_at', 'text')
      .addColumn('retires_at', 'text')
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('tessera_signing_key').execute();
  },
};
