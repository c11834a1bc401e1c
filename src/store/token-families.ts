import type { Kysely } from 'kysely';
import { endFamilies, insertFamily, type EndedFamily, type NewTokenFamily } from './family-writes.js';
import type { CoreSchema } from './schema.js';
import { toEndReason, type FamilyEndReason } from './session-end-reasons.js';
import { startWithinLimit, type LimitedStart, type SessionLimit } from './session-limit.js';
import { endTimedOutBatch, type TimedOutBatch, type TimedOutRules } from './timed-out-sessions.js';
import { writeTransaction } from './write-transaction.js';

/** A refresh token family: one login session, handed on by every rotation. */
export interface TokenFamily {
  id: number;
  family: string;
  userId: number;
  deviceName: string;
  userAgent: string;
  ip: string;
  createdAt: Date;
  lastUsedAt: Date;
  revokedAt: Date | null;
  /** Why it ended; null while live (and for families ended before reasons were kept). */
  revokedReason: FamilyEndReason | null;
}

/** A rotated refresh token, as `rotationOf` finds it. */
export interface Rotation {
  family: string | null;
  /** The successor rotation issued (its whole JWT, from the outstanding table). */
  successor: string;
  rotatedAt: Date;
}

/** Reads and writes `tessera_token_family` and the family columns of the outstanding table. */
export class TokenFamilyRepository {
  constructor(private readonly db: Kysely<CoreSchema>) {}

  async create(family: NewTokenFamily): Promise<void> {
    await insertFamily(this.db, family);
  }

  /** A login under `sessionsPerUser`: see `startWithinLimit` (./session-limit.ts). */
  async startWithinLimit(family: NewTokenFamily, rules: SessionLimit): Promise<LimitedStart> {
    return startWithinLimit(this.db, family, rules);
  }

  /** Ends one batch of sessions run out by the clock: see `endTimedOutBatch` (./timed-out-sessions.ts). */
  async endTimedOut(rules: TimedOutRules, at: Date, batchSize: number, afterId = 0): Promise<TimedOutBatch> {
    return endTimedOutBatch(this.db, rules, at, batchSize, afterId);
  }

  /** Records a use of the family (a refresh); never moves `last_used_at` back. */
  async touch(family: string, at: Date): Promise<void> {
    await this.db
      .updateTable('tessera_token_family')
      .set({ last_used_at: at.toISOString() })
      .where('family', '=', family)
      .where('last_used_at', '<', at.toISOString())
      .execute();
  }

  async find(family: string): Promise<TokenFamily | null> {
    const row = await this.db.selectFrom('tessera_token_family').selectAll().where('family', '=', family).executeTakeFirst();
    return row ? toFamily(row) : null;
  }

  async findById(id: number): Promise<TokenFamily | null> {
    const row = await this.db.selectFrom('tessera_token_family').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toFamily(row) : null;
  }

  /** The user's live sessions (not revoked, last used less than `maxAgeSeconds` ago), newest first. */
  async listLive(userId: number, since: Date): Promise<TokenFamily[]> {
    const rows = await this.db
      .selectFrom('tessera_token_family')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('last_used_at', '>', since.toISOString())
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toFamily);
  }

  /** The user's sessions that ended after `since`, the most recently ended first, at most `limit`. */
  async listEnded(userId: number, since: Date, limit = 50): Promise<TokenFamily[]> {
    const rows = await this.db
      .selectFrom('tessera_token_family')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', '>', since.toISOString())
      .orderBy('revoked_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toFamily);
  }

  /**
   * Ends a family: marks it revoked (and why) and blacklists every outstanding token of it, in one
   * transaction. The session when this call ended it; null when it had ended already (the first
   * reason stays; its tokens are blacklisted all the same) or does not exist.
   */
  async revoke(family: string, at: Date, reason: FamilyEndReason = 'logout'): Promise<EndedFamily | null> {
    return writeTransaction(this.db, async (trx) => {
      const marked = await endFamilies(trx, [{ family, reason }], at);
      if (marked === 0) return null;
      const row = await trx.selectFrom('tessera_token_family').select(['id', 'user_id']).where('family', '=', family).executeTakeFirstOrThrow();
      return { id: Number(row.id), family, userId: Number(row.user_id), reason };
    });
  }

  /** The user's live family ids (for "log out everywhere"). */
  async liveFamilies(userId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('tessera_token_family')
      .select('family')
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    return rows.map((row) => row.family);
  }

  /** Families revoked after `since`: the ones whose access tokens may still be live. */
  async listRevokedSince(since: Date): Promise<{ family: string; revokedAt: Date; reason: FamilyEndReason | null }[]> {
    const rows = await this.db
      .selectFrom('tessera_token_family')
      .select(['family', 'revoked_at', 'revoked_reason'])
      .where('revoked_at', '>', since.toISOString())
      .execute();
    return rows.map((row) => ({ family: row.family, revokedAt: new Date(row.revoked_at!), reason: toEndReason(row.revoked_reason) }));
  }

  /** The rotation of `jti`, when rotation blacklisted it; null for any other token. */
  async rotationOf(jti: string): Promise<Rotation | null> {
    const row = await this.db
      .selectFrom('token_blacklist_outstandingtoken as o')
      .innerJoin('token_blacklist_blacklistedtoken as b', 'b.token_id', 'o.id')
      .innerJoin('token_blacklist_outstandingtoken as s', 's.jti', 'o.successor_jti')
      .select(['o.family as family', 's.token as successor', 'b.blacklisted_at as rotatedAt'])
      .where('o.jti', '=', jti)
      .executeTakeFirst();
    return row ? { family: row.family ?? null, successor: row.successor, rotatedAt: new Date(row.rotatedAt) } : null;
  }
}

function toFamily(row: {
  id: number; family: string; user_id: number; device_name: string; user_agent: string; ip: string;
  created_at: string; last_used_at: string; revoked_at: string | null; revoked_reason: string | null;
}): TokenFamily {
  return {
    id: Number(row.id),
    family: row.family,
    userId: Number(row.user_id),
    deviceName: row.device_name,
    userAgent: row.user_agent,
    ip: row.ip,
    createdAt: new Date(row.created_at),
    lastUsedAt: new Date(row.last_used_at),
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
    revokedReason: row.revoked_at ? toEndReason(row.revoked_reason) : null,
  };
}
