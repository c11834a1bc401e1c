import type { Kysely } from 'kysely';
import type { CoreSchema } from './schema.js';
import type { FamilyEndReason } from './session-end-reasons.js';

/** What a login knows about the client that starts a session. */
export interface NewTokenFamily {
  family: string;
  userId: number;
  deviceName: string;
  userAgent: string;
  ip: string;
  at: Date;
}

/** A session that one call ended: which, whose, and why. */
export interface EndedFamily {
  id: number;
  family: string;
  userId: number;
  reason: FamilyEndReason;
}

/** Inserts a new live session. */
export async function insertFamily(db: Kysely<CoreSchema>, family: NewTokenFamily): Promise<void> {
  const at = family.at.toISOString();
  await db
    .insertInto('tessera_token_family')
    .values({
      family: family.family, user_id: family.userId, device_name: family.deviceName, user_agent: family.userAgent,
      ip: family.ip, created_at: at, last_used_at: at, revoked_at: null, revoked_reason: null,
    })
    .execute();
}

/**
 * Inside a write transaction: marks the sessions ended, each with its reason (one that ended
 * already keeps its first), and blacklists every outstanding token of them, ended now or before.
 * Answers how many this call marked ended.
 */
export async function endFamilies(trx: Kysely<CoreSchema>, ending: { family: string; reason: FamilyEndReason }[], at: Date): Promise<number> {
  if (ending.length === 0) return 0;
  const when = at.toISOString();
  let marked = 0;
  for (const { family, reason } of ending) {
    const updated = await trx
      .updateTable('tessera_token_family')
      .set({ revoked_at: when, revoked_reason: reason })
      .where('family', '=', family)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    marked += Number(updated.numUpdatedRows);
  }
  await blacklistFamilies(trx, ending.map((e) => e.family), at);
  return marked;
}

/** Inside a write transaction: blacklists every outstanding token of the sessions (once each). */
export async function blacklistFamilies(trx: Kysely<CoreSchema>, families: string[], at: Date): Promise<void> {
  if (families.length === 0) return;
  await trx
    .insertInto('token_blacklist_blacklistedtoken')
    .columns(['token_id', 'blacklisted_at'])
    .expression((eb) => eb
      .selectFrom('token_blacklist_outstandingtoken')
      .select((s) => ['id', s.val(at.toISOString()).as('blacklisted_at')])
      .where('family', 'in', families))
    .onConflict((oc) => oc.column('token_id').doNothing())
    .execute();
}
