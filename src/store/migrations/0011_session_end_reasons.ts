import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { LEGACY_END_REASONS } from '../session-end-reasons.js';

/**
 * Session policy names why a session ended in the words users see (`reused`, `password_changed`,
 * `staff`, beside the new `expired`, `idle`, `evicted`, `deactivated`): the reasons stored under
 * their earlier names are renamed. The column (varchar(16)) holds every new name as it is.
 */
export const sessionEndReasons: Migration = {
  async up(db: Kysely<any>) {
    for (const [legacy, reason] of Object.entries(LEGACY_END_REASONS)) {
      await db.updateTable('tessera_token_family').set({ revoked_reason: reason }).where('revoked_reason', '=', legacy).execute();
    }
  },
  async down(db: Kysely<any>) {
    for (const [legacy, reason] of Object.entries(LEGACY_END_REASONS)) {
      await db.updateTable('tessera_token_family').set({ revoked_reason: legacy }).where('revoked_reason', '=', reason).execute();
    }
    // The reasons older releases do not know read as a logout there ("Token is blacklisted").
    await db.updateTable('tessera_token_family').set({ revoked_reason: 'logout' })
      .where('revoked_reason', 'in', ['expired', 'idle', 'evicted', 'deactivated']).execute();
  },
};
