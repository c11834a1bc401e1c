import { sql, type Kysely } from 'kysely';
import { engineOf } from './database.js';

/**
 * Runs `work` in a transaction meant to write. On SQLite it starts with `BEGIN IMMEDIATE`: Kysely's
 * deferred `BEGIN` takes the write lock only at the first write, so a transaction that reads then
 * writes can fail with SQLITE_BUSY at once when another process wrote in between (the busy timeout
 * does not apply to that upgrade). Taking the lock up front makes other writers wait their turn.
 * On PostgreSQL it is an ordinary transaction; unique indexes decide races.
 */
export async function writeTransaction<Schema, T>(db: Kysely<Schema>, work: (trx: Kysely<Schema>) => Promise<T>): Promise<T> {
  if (engineOf(db) === 'postgres') return db.transaction().execute(work);
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    let result: T;
    try {
      result = await work(connection);
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
    await sql`commit`.execute(connection);
    return result;
  });
}
