import { sql, type Kysely, type SqlBool } from 'kysely';
import type { CoreSchema } from './schema.js';

/** A stored session: its key, its data, and when it stops being valid. */
export interface StoredSession {
  key: string;
  data: Record<string, unknown>;
  expireDate: Date;
}

/** Reads and writes Django's `django_session` (the database session backend). */
export class SessionRepository {
  constructor(private readonly db: Kysely<CoreSchema>) {}

  async create(session: StoredSession): Promise<void> {
    await this.db
      .insertInto('django_session')
      .values({ session_key: session.key, session_data: JSON.stringify(session.data), expire_date: session.expireDate.toISOString() })
      .execute();
  }

  /** The session with this key that has not expired at `now`, as Django's `SessionStore.load`. */
  async findValid(key: string, now: Date): Promise<StoredSession | null> {
    const row = await this.db
      .selectFrom('django_session')
      .selectAll()
      .where('session_key', '=', key)
      .where('expire_date', '>', now.toISOString())
      .executeTakeFirst();
    if (!row) return null;
    let data: unknown;
    try {
      data = JSON.parse(row.session_data);
    } catch {
      return null;
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
    return { key: row.session_key, data: data as Record<string, unknown>, expireDate: new Date(row.expire_date) };
  }

  async delete(key: string): Promise<void> {
    await this.db.deleteFrom('django_session').where('session_key', '=', key).execute();
  }

  /** Deletes every session of `userId` (staff ending all of a user's sessions); answers how many. */
  async deleteForUser(userId: number): Promise<number> {
    // `_auth_user_id` is written as JSON.stringify writes it; the LIKE narrows, the parse decides.
    const rows = await this.db
      .selectFrom('django_session')
      .select(['session_key', 'session_data'])
      .where(sql<SqlBool>`session_data like ${`%"\\_auth\\_user\\_id":"${userId}"%`} escape '\\'`)
      .execute();
    const keys = rows.filter((row) => sessionUserId(row.session_data) === String(userId)).map((row) => row.session_key);
    if (keys.length === 0) return 0;
    await this.db.deleteFrom('django_session').where('session_key', 'in', keys).execute();
    return keys.length;
  }

  /** Django's `clearsessions`: deletes sessions expired before `now`. */
  async flushExpired(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('django_session').where('expire_date', '<=', now.toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** The `_auth_user_id` a session's data holds, or null. */
function sessionUserId(text: string): string | null {
  try {
    const data: unknown = JSON.parse(text);
    const id = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)._auth_user_id : undefined;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
