import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CoreSchema } from './schema.js';
import { writeTransaction } from './write-transaction.js';

/** A DRF authtoken: its key, whose it is, and when it was made. */
export interface AuthToken {
  key: string;
  userId: number;
  created: Date;
}

/** DRF's `Token.generate_key`: 20 random bytes as 40 lower-case hex characters. */
export function generateAuthTokenKey(): string {
  return randomBytes(20).toString('hex');
}

/** Reads and writes DRF's `authtoken_token` (one token per user). */
export class AuthTokenRepository {
  constructor(private readonly db: Kysely<CoreSchema>) {}

  /**
   * The token with exactly this key, or null. The key is the primary key, so the lookup is an
   * index search; the found key is compared again in constant time so equality never rests on
   * the database's collation or comparison.
   */
  async findByKey(key: string): Promise<AuthToken | null> {
    if (key.length === 0 || key.length > 40) return null;
    const row = await this.db.selectFrom('authtoken_token').selectAll().where('key', '=', key).executeTakeFirst();
    if (!row) return null;
    const found = Buffer.from(row.key, 'utf8');
    const given = Buffer.from(key, 'utf8');
    if (found.length !== given.length || !timingSafeEqual(found, given)) return null;
    return toAuthToken(row);
  }

  async findByUser(userId: number): Promise<AuthToken | null> {
    const row = await this.db.selectFrom('authtoken_token').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row ? toAuthToken(row) : null;
  }

  /** DRF's `Token.objects.get_or_create(user=user)`; concurrent callers all get the one token. */
  async getOrCreate(userId: number, now: Date): Promise<{ token: AuthToken; created: boolean }> {
    const inserted = await this.db
      .insertInto('authtoken_token')
      .values({ key: generateAuthTokenKey(), user_id: userId, created: now.toISOString() })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { token: toAuthToken(inserted), created: true };
    const existing = await this.findByUser(userId);
    if (!existing) throw new Error(`authtoken for user ${userId} vanished while being read`);
    return { token: existing, created: false };
  }

  /** `drf_create_token -r`: deletes the user's token and makes a new one, in one transaction. */
  async regenerate(userId: number, now: Date): Promise<AuthToken> {
    return writeTransaction(this.db, async (trx) => {
      await trx.deleteFrom('authtoken_token').where('user_id', '=', userId).execute();
      const row = await trx
        .insertInto('authtoken_token')
        .values({ key: generateAuthTokenKey(), user_id: userId, created: now.toISOString() })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toAuthToken(row);
    });
  }

  /** Deletes the user's token, if any (DRF has no view for it; the admin does it). */
  async deleteForUser(userId: number): Promise<void> {
    await this.db.deleteFrom('authtoken_token').where('user_id', '=', userId).execute();
  }
}

function toAuthToken(row: { key: string; user_id: number; created: string }): AuthToken {
  return { key: row.key, userId: row.user_id, created: new Date(row.created) };
}
