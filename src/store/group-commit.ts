import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { sqliteHandleOf } from './database.js';
import { GroupWriter } from './group-writer.js';
import { isUnavailableError, translateUnavailable } from './unavailable.js';
import { writeTransaction } from './write-transaction.js';

/**
 * A write run inside the group's transaction, at once and to the end: it is handed the SQLite
 * connection itself and runs its statements synchronously (`PrecompiledQuery.runNow`).
 */
export type GroupWrite<T> = (sqlite: SQLite.Database) => T;

interface QueuedWork {
  write: GroupWrite<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Writes in one SQLite transaction at most. */
const MAX_BATCH = 128;

/** One queue per database, shared by every repository that writes through it. */
const queues = new WeakMap<Kysely<any>, GroupWriter<QueuedWork>>();

/**
 * SQLite's group commit: the writes asked for during one turn of the event loop (or while the
 * previous batch is written), by any repository, run one after another in one write transaction,
 * and one commit answers them all: under load a refresh's rotation and the audit rows of the
 * refreshes answered just before share a commit, where each had its own. A write must not depend
 * on another's being in the same transaction. Any error rolls the batch back and reruns each of
 * its writes alone, so one failure never decides another's answer; a database that is
 * unavailable fails them all at once.
 *
 * The writes are synchronous: between `begin` and `commit` a batch awaits nothing, so it costs
 * no promise per statement (it was a tenth of a refresh when each statement went through Kysely's
 * executor), and no other query can come between its statements.
 */
export function inGroupCommit<T>(db: Kysely<any>, write: GroupWrite<T>): Promise<T> {
  const queue = queues.get(db) ?? newQueue(db);
  return new Promise<T>((resolve, reject) => queue.add({ write, resolve: resolve as (value: unknown) => void, reject }));
}

function newQueue(db: Kysely<any>): GroupWriter<QueuedWork> {
  const sqlite = sqliteHandleOf(db);
  const queue = new GroupWriter<QueuedWork>(MAX_BATCH, (batch) => writeBatch(db, sqlite, batch));
  queues.set(db, queue);
  return queue;
}

/** Waits until every write queued on `db` so far has been written. */
export async function groupCommitsSettled(db: Kysely<any>): Promise<void> {
  await queues.get(db)?.settled();
}

async function writeBatch(db: Kysely<any>, sqlite: SQLite.Database, batch: QueuedWork[]): Promise<void> {
  let results: unknown[];
  try {
    // `writeTransaction` holds the connection and waits out another process's write lock.
    results = await writeTransaction(db, async () => batch.map((item) => run(item, sqlite)));
  } catch (error) {
    if (batch.length === 1 || isUnavailableError(error)) {
      for (const item of batch) item.reject(error);
    } else {
      for (const item of batch) await writeTransaction(db, async () => run(item, sqlite)).then(item.resolve, item.reject);
    }
    return;
  }
  batch.forEach((item, i) => item.resolve(results[i]));
}

/** One write, its errors as the driver would have raised them (a busy database is unavailable). */
function run(item: QueuedWork, sqlite: SQLite.Database): unknown {
  let result: unknown;
  try {
    result = item.write(sqlite);
  } catch (error) {
    throw translateUnavailable(error);
  }
  if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') throw new TypeError('a group commit write must be synchronous');
  return result;
}
