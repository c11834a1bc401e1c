import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startServer, type TestServer } from '../support/server.js';

/** Polls until `check` holds (audit rows are written once the answer has left). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const USER_AGENT = 'audit-test/1.0';
const PASSWORD = 'first-Secret-pass-8812';
const NEW_PASSWORD = 'second-Secret-pass-9923';
const WRONG_PASSWORD = 'wrong-Secret-guess-4471';

describe('audit log', () => {
  let server: TestServer;
  const lines: string[] = [];
  before(async () => {
    server = await startServer({ logLevel: 'trace' }, { logStream: { write: (line) => void lines.push(line) } });
  });
  after(() => server.close());

  test('flows leave events with who, when, IP and user agent, and no secret in rows or logs', async () => {
    const alice = await server.createUser('alice', PASSWORD);
    const ua = { 'user-agent': USER_AGENT };
    assert.equal((await server.post('/api/token/', { username: 'alice', password: WRONG_PASSWORD }, ua)).status, 401);
    assert.equal((await server.post('/api/token/', { username: 'nobody-here', password: WRONG_PASSWORD }, ua)).status, 401);
    const login = await server.post('/api/token/', { username: 'alice', password: PASSWORD }, ua);
    assert.equal(login.status, 200);
    const refreshed = await server.post('/api/token/refresh/', { refresh: login.json.refresh }, ua);
    assert.equal(refreshed.status, 200);
    const changed = await server.post('/auth/users/set_password/', { current_password: PASSWORD, new_password: NEW_PASSWORD },
      { ...ua, authorization: `Bearer ${login.json.access}` });
    assert.equal(changed.status, 204);
    const again = await server.post('/auth/jwt/create/', { username: 'alice', password: NEW_PASSWORD }, ua);
    assert.equal(again.status, 200);
    const blacklisted = await server.post('/api/token/blacklist/', { refresh: again.json.refresh }, ua);
    assert.equal(blacklisted.status, 200);
    const drf = await server.post('/api-token-auth/', { username: 'alice', password: NEW_PASSWORD }, ua);
    assert.equal(drf.status, 200);

    const audit = server.tessera.audit;
    const events = await eventually(() => audit.list({ limit: 50 }), (rows) => rows.length >= 8);
    const types = events.map((e) => e.type).reverse();
    assert.deepEqual(types, [
      'login_failed', 'login_failed', 'login_succeeded', 'token_refreshed', 'password_changed',
      'login_succeeded', 'token_blacklisted', 'login_succeeded',
    ]);
    for (const event of events) {
      assert.equal(event.ip, '127.0.0.1');
      assert.equal(event.userAgent, USER_AGENT);
      assert.equal(event.at, new Date(server.clock.now).toISOString());
    }
    const [failed, unknown] = events.slice(-2).reverse();
    assert.equal(failed!.username, 'alice');
    assert.equal(failed!.userId, null);
    assert.equal(unknown!.username, 'nobody-here');
    for (const event of events.filter((e) => e.type !== 'login_failed')) {
      assert.equal(event.userId, alice.id, event.type);
      assert.equal(event.username, 'alice', event.type);
    }
    assert.deepEqual(events.find((e) => e.type === 'token_refreshed')!.detail, { path: '/api/token/refresh/', status: 200 });

    // Filters.
    assert.equal((await audit.list({ type: 'login_succeeded' })).length, 3);
    assert.equal((await audit.list({ userId: alice.id })).length, 6);
    assert.equal((await audit.list({ since: new Date(server.clock.now + 1000) })).length, 0);
    assert.equal((await audit.list({ limit: 2 })).length, 2);

    // No password, hash or token anywhere: not in the rows, not in a log line.
    const hash = (await server.store.users.findByUsername('alice'))!.password;
    const secrets = {
      PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, hash,
      access: login.json.access, refresh: login.json.refresh, refreshedAccess: refreshed.json.access,
      access2: again.json.access, refresh2: again.json.refresh, drfToken: drf.json.token,
    };
    const rows = await sql<Record<string, unknown>>`select * from tessera_audit_event`.execute(server.store.database.db);
    const stored = JSON.stringify(rows.rows);
    const logged = lines.join('');
    assert.ok(lines.length > 10, 'the log was captured');
    for (const [name, secret] of Object.entries(secrets)) {
      assert.equal(typeof secret, 'string', name);
      assert.ok(!stored.includes(secret), `${name} is in the audit table`);
      assert.ok(!logged.includes(secret), `${name} is in the log`);
    }
  });

  test('app.tessera.audit.record is the hook for other events (token_reused, key_rotated)', async () => {
    const bob = await server.createUser('bob', PASSWORD);
    await server.tessera.audit.record({ type: 'token_reused', userId: bob.id, ip: '203.0.113.9', detail: { family: 'f1' } });
    await server.tessera.audit.record({ type: 'key_rotated', detail: { kid: 'k2' } });
    const [reused] = await server.tessera.audit.list({ type: 'token_reused' });
    assert.equal(reused!.userId, bob.id);
    assert.equal(reused!.ip, '203.0.113.9');
    assert.deepEqual(reused!.detail, { family: 'f1' });
    const [rotated] = await server.tessera.audit.list({ type: 'key_rotated' });
    assert.equal(rotated!.userId, null);
    assert.deepEqual(rotated!.detail, { kid: 'k2' });
  });

  test('events recorded together are written together, each whole, and each record() resolves once it is stored', async () => {
    const { audit } = server.tessera;
    const before = await audit.count({ type: 'user_updated' });
    await Promise.all(Array.from({ length: 30 }, (_, i) =>
      audit.record({ type: 'user_updated', userId: i, username: `batch-${i}`, ip: `198.51.100.${i}`, detail: { n: i } })));
    const events = await audit.list({ type: 'user_updated', limit: 100 });
    assert.equal(events.length - before, 30);
    for (let i = 0; i < 30; i++) {
      const event = events.find((e) => e.username === `batch-${i}`);
      assert.deepEqual([event?.userId, event?.ip, event?.detail], [i, `198.51.100.${i}`, { n: i }]);
    }
  });

  test('refreshes answered together each leave their own token_refreshed event, for their user', async () => {
    const dave = await server.createUser('dave', PASSWORD);
    const erin = await server.createUser('erin', PASSWORD);
    const pairs = await Promise.all([dave, erin, dave, erin].map((user) => server.login(user.username, PASSWORD)));
    const answers = await Promise.all(pairs.map((pair) => server.post('/api/token/refresh/', { refresh: pair.refresh })));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200]);
    const refreshed = await server.tessera.audit.list({ type: 'token_refreshed', limit: 100 });
    assert.equal(refreshed.filter((e) => e.userId === dave.id && e.username === 'dave').length, 2);
    assert.equal(refreshed.filter((e) => e.userId === erin.id && e.username === 'erin').length, 2);
  });
});

describe('audit log failures', () => {
  let server: TestServer;
  const lines: string[] = [];
  before(async () => {
    server = await startServer({ logLevel: 'error' }, { logStream: { write: (line) => void lines.push(line) } });
    await server.createUser('carol', PASSWORD);
  });
  after(() => server.close());

  test('a failed write never fails the request, and is logged once', async () => {
    await sql`drop table tessera_audit_event`.execute(server.store.database.db);
    for (let i = 0; i < 3; i++) {
      assert.equal((await server.post('/api/token/', { username: 'carol', password: PASSWORD })).status, 200);
      assert.equal((await server.post('/api/token/', { username: 'carol', password: WRONG_PASSWORD })).status, 401);
    }
    const logged = await eventually(async () => lines.filter((l) => l.includes('audit event could not be written')), (l) => l.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(lines.filter((l) => l.includes('audit event could not be written')).length, 1);
    assert.equal(logged.length, 1);
    assert.ok(!lines.join('').includes(PASSWORD));
  });
});
