import type { Kysely } from 'kysely';
import { blacklistFamilies, type EndedFamily } from './family-writes.js';
import type { CoreSchema } from './schema.js';
import { writeTransaction } from './write-transaction.js';

/** Which live sessions have run out by the clock (null: that rule is off). */
export interface TimedOutRules {
  /** A session whose login was at or before this ends as `expired`. */
  expiredBefore: Date | null;
  /** One last used at or before this (and not expired) ends as `idle`. */
  idleBefore: Date | null;
}

/** One batch of `endTimedOutBatch`: the sessions this call ended, and where the next batch starts (null: done). */
export interface TimedOutBatch {
  ended: EndedFamily[];
  /** The last id this batch looked at: the next batch looks past it, never again at the live rows before. */
  nextAfterId: number | null;
}

/**
 * Ends up to `batchSize` sessions (of id above `afterId`, in id order) that went past their absolute lifetime or idle timeout and were
 * never refreshed again (a refresh or a login of the user would have ended them): marks each with
 * its reason and blacklists its outstanding tokens, in one short write transaction. `ended` holds
 * only the sessions THIS call marked: a parallel run that got there first (PostgreSQL re-checks
 * `revoked_at IS NULL` after waiting on the row; SQLite runs one writer at a time) leaves them out,
 * so each ending is announced and audited once.
 */
export async function endTimedOutBatch(
  db: Kysely<CoreSchema>, rules: TimedOutRules, at: Date, batchSize: number, afterId = 0,
): Promise<TimedOutBatch> {
  const { expiredBefore, idleBefore } = rules;
  if (!expiredBefore && !idleBefore) return { ended: [], nextAfterId: null };
  return writeTransaction(db, async (trx) => {
    const candidates = await trx
      .selectFrom('tessera_token_family')
      .select(['id', 'created_at'])
      .where('id', '>', afterId)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([
        ...(expiredBefore ? [eb('created_at', '<=', expiredBefore.toISOString())] : []),
        ...(idleBefore ? [eb('last_used_at', '<=', idleBefore.toISOString())] : []),
      ]))
      .orderBy('id')
      .limit(batchSize)
      .execute();
    const isExpired = (createdAt: string) => expiredBefore !== null && createdAt <= expiredBefore.toISOString();
    const expired = candidates.filter((row) => isExpired(row.created_at)).map((row) => Number(row.id));
    const idle = candidates.filter((row) => !isExpired(row.created_at)).map((row) => Number(row.id));
    const ended: EndedFamily[] = [];
    for (const [reason, ids] of [['expired', expired], ['idle', idle]] as const) {
      if (ids.length === 0) continue;
      const rows = await trx
        .updateTable('tessera_token_family')
        .set({ revoked_at: at.toISOString(), revoked_reason: reason })
        .where('id', 'in', ids)
        .where('revoked_at', 'is', null)
        .returning(['id', 'family', 'user_id'])
        .execute();
      for (const row of rows) ended.push({ id: Number(row.id), family: row.family, userId: Number(row.user_id), reason });
    }
    await blacklistFamilies(trx, ended.map((session) => session.family), at);
    return { ended, nextAfterId: candidates.length === batchSize ? Number(candidates.at(-1)!.id) : null };
  });
}
