import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { groupCommitsSettled, inGroupCommit } from '../../src/store/group-commit.js';
import { openStore, type Store } from '../../src/store/index.js';

let store: Store;
let dispose: () => Promise<void>;
let db: Kysely<any>;

// The group commit is SQLite's (PostgreSQL runs each write transaction on its own connection),
// so this file uses a SQLite store whichever engine the suite runs on.
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-group-commit-'));
  store = openStore(`sqlite:${join(dir, 'group-commit.sqlite3')}`);
  await store.migrate();
  dispose = async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  db = store.database.db as Kysely<any>;
  await sql`create table group_commit_probe (name text primary key)`.execute(db);
});
after(async () => dispose());

const insert = (name: string) => (sqlite: SQLite.Database) => {
  sqlite.prepare('insert into group_commit_probe (name) values (?)').run(name);
  return name;
};
const names = async () => (await sql<{ name: string }>`select name from group_commit_probe order by name`.execute(db)).rows.map((row) => row.name);

test('writes asked for in one turn each get their own result, in order, and are all written', async () => {
  const results = await Promise.all(['a1', 'a2', 'a3'].map((name) => inGroupCommit(db, insert(name))));
  assert.deepEqual(results, ['a1', 'a2', 'a3']);
  assert.deepEqual(await names(), ['a1', 'a2', 'a3']);
});

test('a failing write fails alone: the batch is rolled back and every other write is run again on its own', async () => {
  let runsOfFirst = 0;
  const first = inGroupCommit(db, (sqlite) => {
    runsOfFirst += 1;
    return insert('b1')(sqlite);
  });
  const failing = inGroupCommit(db, insert('a1')); // taken by the test before: a unique violation
  const last = inGroupCommit(db, insert('b2'));
  assert.equal(await first, 'b1');
  await assert.rejects(failing);
  assert.equal(await last, 'b2');
  // Run twice: once in the shared transaction that the failure rolled back, once alone.
  assert.equal(runsOfFirst, 2);
  assert.deepEqual(await names(), ['a1', 'a2', 'a3', 'b1', 'b2']);
});

test('a write that returns a promise is refused: between begin and commit nothing may be awaited', async () => {
  await assert.rejects(inGroupCommit(db, async () => 'late'), /synchronous/);
  const written = inGroupCommit(db, insert('s1'));
  assert.equal(await written, 's1');
});

test('groupCommitsSettled waits for writes still queued', async () => {
  void inGroupCommit(db, insert('c1'));
  await groupCommitsSettled(db);
  assert.deepEqual((await names()).filter((name) => name.startsWith('c')), ['c1']);
});

test('a rotation and an audit event asked for in one turn are both written', async () => {
  const user = await store.users.create({ username: 'rotating', password: 'x' });
  const at = new Date('2026-01-01T12:00:00.000Z');
  const row = (jti: string) => ({ jti, token: `h.${jti}.s`, userId: user.id, createdAt: at, expiresAt: new Date(at.getTime() + 86_400_000) });
  await store.tokens.recordOutstanding(row('rot-previous'));
  const { AuditLog } = await import('../../src/store/audit-log.js');
  const audit = new AuditLog(db);
  const [rotated] = await Promise.all([
    store.tokens.rotate(row('rot-previous'), row('rot-successor'), at, false),
    audit.record({ type: 'token_refreshed', userId: user.id, username: 'rotating' }),
  ]);
  assert.equal(rotated, true);
  assert.equal(await store.tokens.isBlacklisted('rot-previous'), true);
  assert.equal((await audit.list({ username: 'rotating' })).length, 1);
});
