import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Migrator } from 'kysely';
import { CORE_MIGRATIONS, openStore, toEndReason } from '../../src/store/index.js';
import { createTestDatabase } from '../support/database.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('migration 0011 renames the reasons stored before session policy (reuse, account, admin), and back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-reasons-'));
  const database = await createTestDatabase(dir);
  const store = openStore(database.url);
  try {
    // The core migrations up to 0011 (later ones would run after it, and be the one migrateDown undoes).
    const through = (last: string) => Object.fromEntries(Object.entries(CORE_MIGRATIONS).filter(([name]) => name <= last));
    const before = through('0010_migration_owners');
    const upTo0011 = through('0011_session_end_reasons');
    const migrator = (migrations: typeof CORE_MIGRATIONS) => new Migrator({
      db: store.database.db as never,
      provider: { getMigrations: async () => migrations },
      migrationTableName: 'tessera_migrations',
      migrationLockTableName: 'tessera_migrations_lock',
    });
    assert.equal((await migrator(before).migrateToLatest()).error, undefined);
    const user = await store.users.create({ username: 'reasons', password: '!' });
    const at = new Date(Date.UTC(2026, 0, 1));
    const db = store.database.db;
    for (const [family, reason] of [['a', 'reuse'], ['b', 'account'], ['c', 'admin'], ['d', 'logout'], ['e', null]] as const) {
      await store.families.create({ family: family.repeat(32), userId: user.id, deviceName: '', userAgent: '', ip: '', at });
      if (reason) await db.updateTable('tessera_token_family').set({ revoked_at: at.toISOString(), revoked_reason: reason }).where('family', '=', family.repeat(32)).execute();
    }
    const reasons = async () => Object.fromEntries((await db.selectFrom('tessera_token_family').select(['family', 'revoked_reason']).execute())
      .map((row) => [row.family[0], row.revoked_reason]));
    assert.equal((await migrator(upTo0011).migrateToLatest()).error, undefined);
    assert.deepEqual(await reasons(), { a: 'reused', b: 'password_changed', c: 'staff', d: 'logout', e: null });
    // Down, as an older release would read them again.
    assert.equal((await migrator(upTo0011).migrateDown()).error, undefined);
    assert.deepEqual(await reasons(), { a: 'reuse', b: 'account', c: 'admin', d: 'logout', e: null });
  } finally {
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('toEndReason reads every reason, maps the earlier names, and refuses anything else', () => {
  for (const reason of ['logout', 'expired', 'idle', 'evicted', 'reused', 'password_changed', 'deactivated', 'staff']) {
    assert.equal(toEndReason(reason), reason);
  }
  assert.equal(toEndReason('reuse'), 'reused');
  assert.equal(toEndReason('account'), 'password_changed');
  assert.equal(toEndReason('admin'), 'staff');
  for (const other of ['', 'toString', '__proto__', 'hasOwnProperty', null, 3, undefined]) assert.equal(toEndReason(other), null);
});
