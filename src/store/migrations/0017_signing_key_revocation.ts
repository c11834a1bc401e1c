import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * `tessera keys revoke KID`: when a key was revoked. A revoked key neither signs nor verifies and
 * leaves the JWKS at once, whatever its other dates say; null for every other key.
 */
export const signingKeyRevocation: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('tessera_signing_key').addColumn('revoked_at', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('tessera_signing_key').dropColumn('revoked_at').execute();
  },
};
