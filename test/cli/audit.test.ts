import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVER_MIGRATIONS } from '../../src/server/index.js';
import { AuditLog, openStore, type Store } from '../../src/store/index.js';
import { cleanUp, freshFolder, runCli } from '../support/cli-process.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** A migrated database of its own for the commands to run on, `seed` writing its rows first. */
async function seededDatabase(prefix: string, seed: (store: Store, audit: AuditLog) => Promise<void>) {
  const dir = freshFolder(prefix);
  const database = await createTestDatabase(dir);
  const store = openStore(database.url);
  try {
    await store.migrate(SERVER_MIGRATIONS);
    await seed(store, new AuditLog(store.database.db));
  } finally {
    await store.close();
  }
  return { dir, database, env: { TESSERA_DATABASE_URL: database.url, TESSERA_DATA_DIR: dir } };
}

describe('tessera audit', () => {
  let dir: string;
  let database: TestDatabase;
  let env: Record<string, string>;
  let aliceId: number;
  before(async () => {
    ({ dir, database, env } = await seededDatabase('tessera-audit-', async (store, audit) => {
      const alice = await store.users.create({ username: 'alice', password: '!', email: 'alice@example.com' });
      aliceId = alice.id;
      const now = Date.now();
      await audit.record({ type: 'login_failed', username: 'alice', ip: '198.51.100.7', userAgent: 'curl/8', at: new Date(now - 3 * 3600_000), detail: { path: '/api/token/', status: 401 } });
      await audit.record({ type: 'login_succeeded', userId: alice.id, username: 'alice', ip: '198.51.100.7', userAgent: 'curl/8', at: new Date(now - 600_000) });
      await audit.record({ type: 'token_refreshed', userId: alice.id, username: 'alice', ip: '198.51.100.8', at: new Date(now - 60_000) });
      await audit.record({ type: 'login_failed', username: 'mallory\nfake line', ip: '203.0.113.1', at: new Date(now - 30_000) });
    }));
  });
  after(async () => {
    await database.drop();
    cleanUp();
  });

  test('prints every event, newest first, one a line', async () => {
    const run = await runCli(dir, ['audit'], env);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /login_failed\s+user=mallory\\x0afake line  ip=203\.0\.113\.1/);
    assert.match(lines[1]!, /token_refreshed\s+user=alice \(#\d+\)  ip=198\.51\.100\.8/);
    assert.match(lines[3]!, /^\d{4}-\d\d-\d\dT[\d:.]+Z  login_failed\s+user=alice  ip=198\.51\.100\.7  ua="curl\/8"  \{"path":"\/api\/token\/","status":401\}$/);
  });

  test('--user, --type, --since and --limit filter; --json prints JSON lines', async () => {
    const byUser = await runCli(dir, ['audit', '--user', 'alice', '--json'], env);
    assert.equal(byUser.code, 0, byUser.stderr);
    const events = byUser.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(events.map((e) => e.type), ['token_refreshed', 'login_succeeded', 'login_failed']);
    assert.equal(events[0].userId, aliceId);

    const byId = await runCli(dir, ['audit', '--user', String(aliceId), '--json'], env);
    assert.equal(byId.stdout.trimEnd().split('\n').length, 2);

    const byType = await runCli(dir, ['audit', '--type', 'login_failed', '--since', '1h'], env);
    assert.equal(byType.code, 0, byType.stderr);
    assert.equal(byType.stdout.trimEnd().split('\n').length, 1);
    assert.match(byType.stdout, /mallory/);

    const limited = await runCli(dir, ['audit', '--limit', '2'], env);
    assert.equal(limited.stdout.trimEnd().split('\n').length, 2);
  });

  test('bad options are usage errors', async () => {
    const badType = await runCli(dir, ['audit', '--type', 'nope'], env);
    assert.equal(badType.code, 2);
    assert.match(badType.stderr, /unknown event type "nope"/);
    const badSince = await runCli(dir, ['audit', '--since', 'yesterday'], env);
    assert.equal(badSince.code, 2);
    const badLimit = await runCli(dir, ['audit', '--limit', '0'], env);
    assert.equal(badLimit.code, 2);
  });
});

describe('tessera flushauditlog', () => {
  let dir: string;
  let database: TestDatabase;
  let env: Record<string, string>;
  before(async () => {
    ({ dir, database, env } = await seededDatabase('tessera-flushauditlog-', async (_store, audit) => {
      const now = Date.now();
      for (const [username, ageDays] of [['old-1', 100], ['old-2', 91], ['recent', 89], ['today', 0]] as const) {
        await audit.record({ type: 'login_failed', username, at: new Date(now - ageDays * 86_400_000) });
      }
    }));
  });
  after(async () => {
    await database.drop();
    cleanUp();
  });

  test('deletes the events older than --older-than and keeps the rest', async () => {
    const run = await runCli(dir, ['flushauditlog', '--older-than', '90d'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Deleted 2 audit events older than 90d.\n');
    const left = await runCli(dir, ['audit', '--json'], env);
    assert.deepEqual(left.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).username), ['today', 'recent']);
    const again = await runCli(dir, ['flushauditlog', '--older-than', '90d'], env);
    assert.equal(again.stdout, 'Deleted 0 audit events older than 90d.\n');
  });

  test('the age is required, and a bad one is a one-line usage error', async () => {
    const missing = await runCli(dir, ['flushauditlog'], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^tessera: error: usage: tessera flushauditlog --older-than DURATION/);
    const bad = await runCli(dir, ['flushauditlog', '--older-than', 'a while'], env);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trimEnd().split('\n').length, 1);
    assert.match(bad.stderr, /--older-than: "a while" is not a duration/);
    // util.parseArgs explains a value that starts with a dash over three lines: still one here.
    const dashed = await runCli(dir, ['flushauditlog', '--older-than', '-5'], env);
    assert.equal(dashed.code, 2);
    assert.match(dashed.stderr, /^tessera: error: Option '--older-than' argument is ambiguous\. Did you forget .* use '--older-than=-XYZ'\.\n$/);
    // Nothing was deleted by the refused runs.
    assert.equal((await runCli(dir, ['audit'], env)).stdout.trimEnd().split('\n').length, 2);
  });
});
