import type { Kysely } from 'kysely';
import { GroupWriter } from './group-writer.js';
import { isUnavailableError } from './unavailable.js';
import { writeTransaction } from './write-transaction.js';

interface QueuedWork {
  work: (trx: Kysely<any>) => Promise<unknown>;
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
 * on another's being in the same transaction, nor wait for a group commit itself (that one comes
 * after the batch it is part of: it would wait forever). Any error rolls the batch back and
 * reruns each of its writes alone, so one failure never decides another's answer; a database that
 * is unavailable fails them all at once.
 */
export function inGroupCommit<T>(db: Kysely<any>, work: (trx: Kysely<any>) => Promise<T>): Promise<T> {
  const queue = queues.get(db) ?? newQueue(db);
  return new Promise<T>((resolve, reject) => queue.add({ work, resolve: resolve as (value: unknown) => void, reject }));
}

function newQueue(db: Kysely<any>): GroupWriter<QueuedWork> {
  const queue = new GroupWriter<QueuedWork>(MAX_BATCH, (batch) => writeBatch(db, batch));
  queues.set(db, queue);
  return queue;
}

/** Waits until every write queued on `db` so far has been written. */
export async function groupCommitsSettled(db: Kysely<any>): Promise<void> {
  await queues.get(db)?.settled();
}

async function writeBatch(db: Kysely<any>, batch: QueuedWork[]): Promise<void> {
  let results: unknown[];
  try {
    results = await writeTransaction(db, async (trx) => {
      const done: unknown[] = [];
      for (const item of batch) done.push(await item.work(trx));
      return done;
    });
  } catch (error) {
    if (batch.length === 1 || isUnavailableError(error)) {
      for (const item of batch) item.reject(error);
    } else {
      for (const item of batch) await writeTransaction(db, (trx) => item.work(trx)).then(item.resolve, item.reject);
    }
    return;
  }
  batch.forEach((item, i) => item.resolve(results[i]));
}
