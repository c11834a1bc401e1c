import type { Kysely } from 'kysely';
import { engineOf } from './database.js';
import { endFamilies, insertFamily, type EndedFamily, type NewTokenFamily } from './family-writes.js';
import type { CoreSchema } from './schema.js';
import { writeTransaction } from './write-transaction.js';

/**
 * How `startWithinLimit` tells live sessions from dead ones at a login. A session not ended yet
 * whose login was at or before `expiredBefore` is ended now as `expired`, one last used at or
 * before `idleBefore` as `idle`; one last used at or before `usedSince` (its refresh tokens have
 * all expired) is left as it is and not counted.
 */
export interface SessionLimit {
  /** Live sessions a user may hold, the new one included (at least 1). */
  limit: number;
  /** At the limit: end the oldest live sessions (`evict`) or refuse the login (`refuse`). */
  policy: 'evict' | 'refuse';
  usedSince: Date;
  expiredBefore: Date | null;
  idleBefore: Date | null;
}

/** What `startWithinLimit` did: whether the session started, and which sessions it ended. */
export interface LimitedStart {
  started: boolean;
  ended: EndedFamily[];
}

/**
 * Starts a session within the user's limit, in one write transaction that holds the user's row
 * (PostgreSQL) or the database's write lock (SQLite), so parallel logins of one user take turns
 * and never leave more than `limit` live. Sessions past their absolute lifetime or idle timeout
 * are ended first (with those reasons) and do not count; then, at the limit, the oldest live
 * sessions (by login) are ended as `evicted`, or (`refuse`) the session is not started.
 */
export async function startWithinLimit(db: Kysely<CoreSchema>, family: NewTokenFamily, rules: SessionLimit): Promise<LimitedStart> {
  return writeTransaction(db, async (trx) => {
    // The user's row is what parallel logins of one user queue on (SQLite has one writer anyway).
    // NO KEY UPDATE: inserts that reference the user (other sessions' rotations) need not wait.
    if (engineOf(db) === 'postgres') {
      await trx.selectFrom('auth_user').select('id').where('id', '=', family.userId).forNoKeyUpdate().execute();
    }
    const rows = await trx
      .selectFrom('tessera_token_family')
      .select(['id', 'family', 'created_at', 'last_used_at'])
      .where('user_id', '=', family.userId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const atOrBefore = (value: string, limit: Date | null) => limit !== null && value <= limit.toISOString();
    const ended: EndedFamily[] = [];
    const live: EndedFamily[] = [];
    for (const row of rows) {
      const session = { id: Number(row.id), family: row.family, userId: family.userId };
      if (atOrBefore(row.created_at, rules.expiredBefore)) ended.push({ ...session, reason: 'expired' });
      else if (atOrBefore(row.last_used_at, rules.idleBefore)) ended.push({ ...session, reason: 'idle' });
      else if (!atOrBefore(row.last_used_at, rules.usedSince)) live.push({ ...session, reason: 'evicted' });
    }
    const excess = live.length - rules.limit + 1;
    const started = excess <= 0 || rules.policy === 'evict';
    if (excess > 0 && started) ended.push(...live.slice(0, excess));
    await endFamilies(trx, ended, family.at);
    if (started) await insertFamily(trx, family);
    return { started, ended };
  });
}
