import type { Kysely } from 'kysely';
import type { CoreSchema } from './schema.js';

/** Reads and writes `tessera_user_token_cutoff`: the database's record of per-user cut-offs. */
export class UserTokenCutoffRepository {
  constructor(private readonly db: Kysely<CoreSchema>) {}

  /**
   * Raises the user's cut-off to `at` (never lowers it, even under concurrent writers) and
   * answers the cut-off now in force.
   */
  async raise(userId: number, at: Date): Promise<Date> {
    const cutoff = at.toISOString();
    await this.db
      .insertInto('tessera_user_token_cutoff')
      .values({ user_id: userId, cutoff })
      .onConflict((oc) =>
        oc.column('user_id')
          .doUpdateSet({ cutoff: (eb) => eb.ref('excluded.cutoff') })
          .where('tessera_user_token_cutoff.cutoff', '<', cutoff))
      .execute();
    return (await this.find(userId)) ?? at;
  }

  async find(userId: number): Promise<Date | null> {
    const row = await this.db
      .selectFrom('tessera_user_token_cutoff')
      .select('cutoff')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? new Date(row.cutoff) : null;
  }

  /** Cut-offs later than `since`: the ones that can still refuse a live token. */
  async listSince(since: Date): Promise<{ userId: number; cutoff: Date }[]> {
    const rows = await this.db
      .selectFrom('tessera_user_token_cutoff')
      .select(['user_id', 'cutoff'])
      .where('cutoff', '>', since.toISOString())
      .execute();
    return rows.map((row) => ({ userId: Number(row.user_id), cutoff: new Date(row.cutoff) }));
  }
}
