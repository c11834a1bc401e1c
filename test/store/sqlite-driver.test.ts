import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { ServiceUnavailable } from '../../src/errors.js';
import { openDatabase, writeTransaction } from '../../src/store/index.js';

// The embedded engine's own driver: these run on SQLite whatever the suite's engine.
const dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-driver-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function database(timeoutSeconds = 5) {
  const path = join(dir, `db${files++}.sqlite3`);
  const opened = openDatabase<{ t: { id: number; v: string } }>(`sqlite:${path}`, { timeoutSeconds });
  await sql`create table t (id integer primary key, v text not null)`.execute(opened.db);
  return { ...opened, path };
}

/** Counts event-loop turns while `work` runs: a loop stopped by a synchronous wait counts none. */
async function ticksDuring<T>(work: Promise<T>): Promise<{ result: T; ticks: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    return { result: await work, ticks };
  } finally {
    clearInterval(timer);
  }
}

test('a write waiting for another process\'s lock keeps the event loop turning, then lands', async () => {
  const { db, path, close } = await database();
  const other = new SQLite(path);
  other.exec('begin immediate');
  setTimeout(() => other.exec('commit'), 300);
  const { ticks } = await ticksDuring(db.insertInto('t').values({ id: 1, v: 'after the lock' }).execute());
  // SQLite's own busy handler would have slept in this thread for the whole 300 ms: no ticks.
  assert.ok(ticks >= 20, `the event loop turned ${ticks} times while waiting`);
  assert.deepEqual(await db.selectFrom('t').selectAll().execute(), [{ id: 1, v: 'after the lock' }]);
  other.close();
  await close();
});

test('a transaction waiting at BEGIN IMMEDIATE waits the same way and commits whole', async () => {
  const { db, path, close } = await database();
  const other = new SQLite(path);
  other.exec('begin immediate');
  setTimeout(() => other.exec('commit'), 200);
  const { ticks } = await ticksDuring(writeTransaction(db, async (trx) => {
    await trx.insertInto('t').values({ id: 1, v: 'one' }).execute();
    await trx.insertInto('t').values({ id: 2, v: 'two' }).execute();
  }));
  assert.ok(ticks >= 10, `the event loop turned ${ticks} times while waiting`);
  assert.equal((await db.selectFrom('t').selectAll().execute()).length, 2);
  other.close();
  await close();
});

test('a lock held past databaseTimeout answers ServiceUnavailable and writes nothing', async () => {
  const { db, path, close } = await database(0.2);
  const other = new SQLite(path);
  other.exec('begin immediate');
  const started = Date.now();
  await assert.rejects(db.insertInto('t').values({ id: 1, v: 'never' }).execute(), ServiceUnavailable);
  assert.ok(Date.now() - started >= 190, 'it waited for the timeout');
  other.exec('commit');
  assert.deepEqual(await db.selectFrom('t').selectAll().execute(), []);
  other.close();
  await close();
});

test('transactions from concurrent callers run one after another, in the order they asked', async () => {
  const { db, close } = await database();
  const order: number[] = [];
  await Promise.all(Array.from({ length: 50 }, (_, i) => writeTransaction(db, async (trx) => {
    const rows = await trx.selectFrom('t').select('id').execute();
    await new Promise((resolve) => setImmediate(resolve));
    // No other transaction ran between the read and this write.
    await trx.insertInto('t').values({ id: rows.length + 1, v: `caller ${i}` }).execute();
    order.push(i);
  })));
  assert.deepEqual(order, Array.from({ length: 50 }, (_, i) => i));
  assert.equal((await db.selectFrom('t').selectAll().execute()).length, 50);
  await close();
});

test('a failed statement releases the connection; SQL errors pass through untranslated', async () => {
  const { db, close } = await database();
  await db.insertInto('t').values({ id: 1, v: 'one' }).execute();
  await assert.rejects(db.insertInto('t').values({ id: 1, v: 'again' }).execute(), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'SQLITE_CONSTRAINT_PRIMARYKEY');
    return true;
  });
  assert.equal((await db.selectFrom('t').selectAll().execute()).length, 1);
  await close();
});
