import type { Kysely } from 'kysely';
import type { CoreSchema } from './schema.js';
import { writeTransaction } from './write-transaction.js';

/** A refresh token as Simple JWT's `OutstandingToken` records it. */
export interface OutstandingToken {
  jti: string;
  token: string;
  userId: number | null;
  createdAt: Date | null;
  expiresAt: Date;
  /** The refresh token family (session) it belongs to, when families are on. */
  family?: string | null;
}

/**
 * Simple JWT's blacklist app: every refresh token issued is outstanding; blacklisting one adds a
 * row that points at it. The unique `token_id` makes "blacklist this jti" a single winner even
 * when two requests race, which is what makes rotation safe.
 */
export class TokenBlacklistRepository {
  constructor(private readonly db: Kysely<CoreSchema>) {}

  /** Records an issued token; recording the same jti twice keeps the first (get_or_create). */
  async recordOutstanding(token: OutstandingToken): Promise<void> {
    await this.db
      .insertInto('token_blacklist_outstandingtoken')
      .values(toRow(token))
      .onConflict((oc) => oc.column('jti').doNothing())
      .execute();
  }

  async isBlacklisted(jti: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('token_blacklist_blacklistedtoken as b')
      .innerJoin('token_blacklist_outstandingtoken as o', 'o.id', 'b.token_id')
      .select('b.id')
      .where('o.jti', '=', jti)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Blacklists `token` (recording it first if it was never outstanding). Answers false when it
   * was already blacklisted, so exactly one of several concurrent callers sees true.
   */
  async blacklist(token: OutstandingToken, at: Date): Promise<boolean> {
    return writeTransaction(this.db, (trx) => blacklistWithin(trx, token, at));
  }

  /**
   * Rotation in one transaction: blacklist the presented token and record its successor. False
   * (and nothing written) when the presented token was already blacklisted. On PostgreSQL
   * concurrent rotations of one token meet at the unique `token_id`: the first insert wins, the
   * others wait for it to commit and then insert nothing, so exactly one successor is recorded.
   */
  async rotate(previous: OutstandingToken, successor: OutstandingToken, at: Date): Promise<boolean> {
    return writeTransaction(this.db, async (trx) => {
      if (!(await blacklistWithin(trx, previous, at))) return false;
      await trx.insertInto('token_blacklist_outstandingtoken').values(toRow(successor)).execute();
      // Recorded with the blacklisting: a rotated token is one with a successor (see `rotationOf`).
      await trx
        .updateTable('token_blacklist_outstandingtoken')
        .set({ successor_jti: successor.jti })
        .where('jti', '=', previous.jti)
        .execute();
      return true;
    });
  }

  /** Deletes tokens that expired before `now` (their blacklist rows go with them). */
  async flushExpired(now: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('token_blacklist_outstandingtoken')
      .where('expires_at', '<', now.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async countOutstanding(): Promise<number> {
    const { n } = await this.db
      .selectFrom('token_blacklist_outstandingtoken')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }
}

async function blacklistWithin(trx: Kysely<CoreSchema>, token: OutstandingToken, at: Date): Promise<boolean> {
  await trx
    .insertInto('token_blacklist_outstandingtoken')
    .values(toRow(token))
    .onConflict((oc) => oc.column('jti').doNothing())
    .execute();
  const outstanding = await trx
    .selectFrom('token_blacklist_outstandingtoken')
    .select('id')
    .where('jti', '=', token.jti)
    .executeTakeFirstOrThrow();
  const inserted = await trx
    .insertInto('token_blacklist_blacklistedtoken')
    .values({ token_id: outstanding.id, blacklisted_at: at.toISOString() })
    .onConflict((oc) => oc.column('token_id').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

function toRow(token: OutstandingToken) {
  return {
    jti: token.jti,
    token: token.token,
    user_id: token.userId,
    created_at: token.createdAt ? token.createdAt.toISOString() : null,
    expires_at: token.expiresAt.toISOString(),
    ...(token.family ? { family: token.family } : {}),
  };
}
