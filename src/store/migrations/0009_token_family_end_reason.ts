import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * Why a session (refresh token family) ended: `revoked_reason` is `reuse` when reuse detection
 * ended it, so the legitimate holder's next refresh answers `token_reused` rather than Simple
 * JWT's "Token is blacklisted" (which a logout still answers). Nullable: families ended before
 * this column existed keep answering as a logout did.
 */
export const tokenFamilyEndReason: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('tessera_token_family').addColumn('revoked_reason', 'varchar(16)').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('tessera_token_family').dropColumn('revoked_reason').execute();
  },
};
