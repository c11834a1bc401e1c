import { sql, type Kysely } from 'kysely';
import { engineOf } from './database.js';

/**
 * Rows `deleteRowsBefore` deletes per transaction, and its pause (ms) between transactions.
 * Measured with `flushexpiredtokens` on 1,000,000 rows beside GETs and refreshes (SQLite, 2 busy
 * cores). While SQLite's busy handler made a waiting server sleep on its event loop, 10,000 a batch
 * took 7 s but refreshes beside it saw p99 1.3 s, and 5,000 took 8 s with p99 0.2-0.9 s. Now that
 * the server waits on a timer (`sqlite-driver.ts`) and gets in during the pauses: 5,000 took
 * 10.0 s, refresh p99 158 ms; 10,000 took 8.5 s, refresh p99 130 ms, GETs unaffected either way.
 */
const DELETE_BATCH_SIZE = 10_000;
const DELETE_PAUSE_MS = 2;

/**
 * Deletes the rows of `table` whose `column` (an indexed ISO-8601 timestamp) is before `cutoff`,
 * `batchSize` rows per statement. Each batch is its own short transaction found through the
 * column's index, with a pause between batches, so a delete of millions of rows never holds the
 * write lock long enough to make logins and refreshes wait (one DELETE of 1,000,000 rows holds it
 * for seconds). Answers how many rows went.
 */
export async function deleteRowsBefore(
  db: Kysely<any>, table: string, column: string, cutoff: Date, batchSize = DELETE_BATCH_SIZE,
): Promise<number> {
  const before = cutoff.toISOString();
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(db, table, column, before, batchSize);
    total += deleted;
    if (deleted < batchSize) return total;
    // SQLite's busy handler polls: a lock released and retaken at once could starve waiters.
    await new Promise((resolve) => setTimeout(resolve, DELETE_PAUSE_MS));
  }
}

async function deleteBatch(db: Kysely<any>, table: string, column: string, before: string, batchSize: number): Promise<number> {
  const rows = sql`SELECT id FROM ${sql.table(table)} WHERE ${sql.ref(column)} < ${before} LIMIT ${batchSize}`;
  // ANY(ARRAY(...)) has PostgreSQL fetch the batch by primary key; `IN (subquery)` plans a scan of
  // the whole table for every batch.
  const result = engineOf(db) === 'postgres'
    ? await sql`DELETE FROM ${sql.table(table)} WHERE id = ANY(ARRAY(${rows}))`.execute(db)
    : await sql`DELETE FROM ${sql.table(table)} WHERE id IN (${rows})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
