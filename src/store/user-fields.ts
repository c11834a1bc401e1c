import type { Kysely } from 'kysely';
import type { CoreSchema } from './schema.js';

/** JSON values a custom user model's column is kept as (dates as ISO-8601 text, decimals as text). */
export type UserFieldValue = string | number | boolean | null | UserFieldValue[] | { [key: string]: UserFieldValue };

/** The columns of a custom user model `auth_user` has no place for, by column name. */
export type UserFields = Record<string, UserFieldValue>;

/**
 * Reads and writes `tessera_user_fields`: one JSON object per user, so `auth_user` keeps Django's
 * columns exactly and a login reads nothing more; only what asks for the fields reads them.
 */
export class UserFieldsRepository {
  constructor(private readonly db: Kysely<CoreSchema>) {}

  /** The user's fields; `{}` when they have none. */
  async get(userId: number): Promise<UserFields> {
    const row = await this.db.selectFrom('tessera_user_fields').select('fields').where('user_id', '=', userId).executeTakeFirst();
    return row ? (JSON.parse(row.fields) as UserFields) : {};
  }

  /** Replaces the user's fields; an empty object removes the row. */
  async set(userId: number, fields: UserFields): Promise<void> {
    if (Object.keys(fields).length === 0) {
      await this.db.deleteFrom('tessera_user_fields').where('user_id', '=', userId).execute();
      return;
    }
    const text = JSON.stringify(fields);
    await this.db.insertInto('tessera_user_fields').values({ user_id: userId, fields: text })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ fields: text }))
      .execute();
  }
}
