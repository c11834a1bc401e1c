import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/store/index.js';
import { DEFAULT_SETTINGS, loadSettings } from '../../src/settings/index.js';

/** SQLite's `synchronous` as the opened database has it (1 NORMAL, 2 FULL), and its journal mode. */
async function pragmas(options: Parameters<typeof openDatabase>[1]): Promise<{ synchronous: number; journal: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-sync-'));
  const database = openDatabase(`sqlite:${join(dir, 'db.sqlite3')}`, options);
  try {
    const { rows: [sync] } = await sql<{ synchronous: number }>`pragma synchronous`.execute(database.db);
    const { rows: [journal] } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
    return { synchronous: sync!.synchronous, journal: journal!.journal_mode };
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('SQLite runs in WAL with synchronous NORMAL by default, FULL when sqliteSynchronous says so', async () => {
  assert.equal(DEFAULT_SETTINGS.sqliteSynchronous, 'normal');
  assert.deepEqual(await pragmas({}), { synchronous: 1, journal: 'wal' });
  assert.deepEqual(await pragmas({ sqliteSynchronous: 'full' }), { synchronous: 2, journal: 'wal' });
  assert.equal(loadSettings({ env: { TESSERA_SQLITE_SYNCHRONOUS: 'full' } }).sqliteSynchronous, 'full');
  assert.throws(() => loadSettings({ env: { TESSERA_SQLITE_SYNCHRONOUS: 'off' } }));
});
