import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AccountTokenGenerator, encodeUid } from '../../src/accounts/index.js';
import { decodeJwt, startServer, TEST_SIGNING_KEY, type TestServer } from '../support/server.js';

const PASSWORD = 'tessera-pass-42';

describe('GET/DELETE /api/sessions/ and POST /api/sessions/logout-all/', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true });
    await server.createUser('alice', PASSWORD);
    await server.createUser('bob', PASSWORD);
  });
  after(() => server.close());

  const bearer = (access: string) => ({ authorization: `Bearer ${access}` });
  const login = async (username: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) => {
    const answer = await server.post('/api/token/', { username, password: PASSWORD, ...extra }, headers);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    return answer.json as { refresh: string; access: string };
  };
  const sessions = async (access: string) => {
    const answer = await server.get('/api/sessions/', bearer(access));
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    return answer.json as { id: number; device_name: string; ip: string; created: string; last_used: string; current: boolean }[];
  };

  test('anonymous requests are refused', async () => {
    const answer = await server.get('/api/sessions/');
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Authentication credentials were not provided.' });
  });

  test('lists live sessions with device name (field, else User-Agent), ip, times and the current flag', async () => {
    const phone = await login('alice', { device_name: 'Alice phone' }, { 'user-agent': 'PhoneApp/1.0' });
    server.clock.advance(60);
    const laptop = await login('alice', {}, { 'user-agent': 'Firefox/140' });
    await login('bob');
    server.clock.advance(60);
    const refreshed = await server.post('/api/token/refresh/', { refresh: phone.refresh });
    assert.equal(refreshed.status, 200);

    const list = await sessions(laptop.access);
    assert.equal(list.length, 2, 'only alice\'s sessions');
    const [newest, oldest] = list as [typeof list[0], typeof list[0]];
    assert.equal(newest.device_name, 'Firefox/140');
    assert.equal(newest.current, true);
    assert.equal(oldest.device_name, 'Alice phone');
    assert.equal(oldest.current, false);
    assert.equal(newest.ip, '127.0.0.1');
    assert.equal(oldest.created, new Date(server.clock.now - 120_000).toISOString());
    assert.equal(oldest.last_used, new Date(server.clock.now).toISOString(), 'a refresh moves last_used');
    assert.equal(newest.last_used, newest.created);
    // From the phone's rotated access token, the phone is the current one.
    const fromPhone = await sessions(refreshed.json.access);
    assert.deepEqual(fromPhone.map((s) => s.current), [false, true]);
  });

  test('DELETE ends one session: its refresh and access tokens stop at once; others are 404', async () => {
    const bob = await login('bob');
    const keep = await login('alice', { device_name: 'keep' });
    const doomed = await login('alice', { device_name: 'doomed' });
    const target = (await sessions(keep.access)).find((s) => s.device_name === 'doomed')!;
    assert.ok(target);

    const foreign = await server.request('DELETE', `/api/sessions/${target.id}/`, { headers: bearer(bob.access) });
    assert.equal(foreign.status, 404, 'another user\'s session is not found');
    assert.equal((await server.get('/api/user/', bearer(doomed.access))).status, 200, 'and was not ended');
    assert.equal((await server.request('DELETE', '/api/sessions/999999/', { headers: bearer(keep.access) })).status, 404);
    assert.equal((await server.request('DELETE', '/api/sessions/abc/', { headers: bearer(keep.access) })).status, 404);

    const ended = await server.request('DELETE', `/api/sessions/${target.id}/`, { headers: bearer(keep.access) });
    assert.equal(ended.status, 204);
    const access = await server.get('/api/user/', bearer(doomed.access));
    assert.equal(access.status, 401);
    assert.equal(access.json.messages[0].message, 'Token is blacklisted');
    const refresh = await server.post('/api/token/refresh/', { refresh: doomed.refresh });
    assert.equal(refresh.status, 401);
    assert.deepEqual(refresh.json, { detail: 'Token is blacklisted', code: 'token_not_valid' });
    assert.equal((await server.get('/api/user/', bearer(keep.access))).status, 200);
    assert.ok(!(await sessions(keep.access)).some((s) => s.id === target.id), 'no longer listed');
    assert.equal((await server.request('DELETE', `/api/sessions/${target.id}/`, { headers: bearer(keep.access) })).status, 404);
  });

  test('logout-all with keep_current ends every other session and keeps this one', async () => {
    const current = await login('alice');
    const other = await login('alice');
    const answer = await server.post('/api/sessions/logout-all/', { keep_current: true }, bearer(current.access));
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.ok(answer.json.ended >= 1);
    assert.equal((await server.get('/api/user/', bearer(other.access))).status, 401);
    assert.equal((await server.get('/api/user/', bearer(current.access))).status, 200);
    assert.equal((await server.post('/api/token/refresh/', { refresh: current.refresh })).status, 200);
    const list = await sessions(current.access);
    assert.deepEqual(list.map((s) => s.current), [true]);
    const bad = await server.post('/api/sessions/logout-all/', { keep_current: 'maybe' }, bearer(current.access));
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json, { keep_current: ['Must be a valid boolean.'] });
  });

  test('logout-all without keep_current ends every session, the current one too', async () => {
    const current = await login('alice');
    const other = await login('alice');
    const answer = await server.post('/api/sessions/logout-all/', {}, bearer(current.access));
    assert.equal(answer.status, 200);
    for (const pair of [current, other]) {
      assert.equal((await server.get('/api/user/', bearer(pair.access))).status, 401);
      assert.equal((await server.post('/api/token/refresh/', { refresh: pair.refresh })).status, 401);
    }
    server.clock.advance(1);
    const fresh = await login('alice');
    assert.equal((await server.get('/api/user/', bearer(fresh.access))).status, 200, 'a new login works');
    assert.equal((await sessions(fresh.access)).length, 1);
  });

  test('ending sessions is audited as sessions_revoked (who, IP, user agent, what ended); refused attempts are not', async () => {
    const audit = server.tessera.audit;
    const before = (await audit.list({ type: 'sessions_revoked', limit: 1000 })).length;
    const ua = { 'user-agent': 'SessionsAudit/1.0' };
    const current = await login('alice');
    const doomed = await login('alice', { device_name: 'audited' });
    const target = (await sessions(current.access)).find((s) => s.device_name === 'audited')!;
    const bob = await login('bob');
    assert.equal((await server.request('DELETE', `/api/sessions/${target.id}/`, { headers: { ...bearer(bob.access), ...ua } })).status, 404);
    assert.equal((await server.request('DELETE', `/api/sessions/${target.id}/`, { headers: { ...bearer(current.access), ...ua } })).status, 204);
    assert.equal((await server.get('/api/user/', bearer(doomed.access))).status, 401);
    await login('alice');
    const all = await server.post('/api/sessions/logout-all/', { keep_current: true }, { ...bearer(current.access), ...ua });
    assert.equal(all.status, 200);

    // Rows are written as the answer leaves; wait for both.
    let events = await audit.list({ type: 'sessions_revoked', limit: 1000 });
    for (let i = 0; i < 100 && events.length < before + 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      events = await audit.list({ type: 'sessions_revoked', limit: 1000 });
    }
    assert.equal(events.length, before + 2, 'the refused DELETE left no event');
    const [logoutAll, deleted] = events as [typeof events[0], typeof events[0]];
    const alice = await server.store.users.findByUsername('alice');
    for (const event of [logoutAll, deleted]) {
      assert.equal(event.userId, alice!.id);
      assert.equal(event.username, 'alice');
      assert.equal(event.ip, '127.0.0.1');
      assert.equal(event.userAgent, 'SessionsAudit/1.0');
    }
    assert.deepEqual(deleted.detail, { path: '/api/sessions/:id/', status: 204, sessions: [target.id] });
    assert.deepEqual(logoutAll.detail, { path: '/api/sessions/logout-all/', status: 200, ended: all.json.ended, keep_current: true });
    assert.ok(all.json.ended >= 1);
  });
});

describe('account changes end every session', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true });
  });
  after(() => server.close());

  const bearer = (access: string) => ({ authorization: `Bearer ${access}` });
  const login = (username: string, password = PASSWORD) => server.login(username, password);
  /** Both pairs are dead: access refused, refresh refused. */
  const assertEnded = async (...pairs: { refresh: string; access: string }[]) => {
    for (const pair of pairs) {
      assert.equal((await server.get('/api/user/', bearer(pair.access))).status, 401);
      const refresh = await server.post('/api/token/refresh/', { refresh: pair.refresh });
      assert.equal(refresh.status, 401);
    }
  };

  test('set_password ends every session (the one that asked too)', async () => {
    await server.createUser('carol', PASSWORD);
    const a = await login('carol');
    const b = await login('carol');
    const changed = await server.post('/auth/users/set_password/', { new_password: 'brand-new-pass-1', current_password: PASSWORD }, bearer(a.access));
    assert.equal(changed.status, 204, JSON.stringify(changed.json));
    await assertEnded(a, b);
    for (const pair of [a, b]) {
      const family = await server.store.families.find(String(decodeJwt(pair.refresh).claims.fam));
      assert.equal(family?.revokedReason, 'password_changed', 'ended for a password change, not reuse');
      const refused = await server.post('/api/token/refresh/', { refresh: pair.refresh });
      assert.deepEqual(refused.json, { detail: 'Token is blacklisted', code: 'token_not_valid' });
    }
    server.clock.advance(1);
    const fresh = await login('carol', 'brand-new-pass-1');
    assert.equal((await server.get('/api/user/', bearer(fresh.access))).status, 200);
  });

  test('reset_password_confirm ends every session', async () => {
    const user = await server.createUser('dave', PASSWORD);
    const a = await login('dave');
    const tokens = new AccountTokenGenerator({ secret: TEST_SIGNING_KEY, timeout: server.settings.passwordResetTimeout, clock: server.clock.read });
    const stored = (await server.store.users.findById(user.id))!;
    const confirmed = await server.post('/auth/users/reset_password_confirm/', {
      uid: encodeUid(user.id), token: tokens.makeToken(stored), new_password: 'reset-pass-77',
    });
    assert.equal(confirmed.status, 204, JSON.stringify(confirmed.json));
    await assertEnded(a);
  });

  test('deleting the account ends its sessions', async () => {
    await server.createUser('erin', PASSWORD);
    const a = await login('erin');
    const b = await login('erin');
    const deleted = await server.request('DELETE', '/auth/users/me/', {
      body: JSON.stringify({ current_password: PASSWORD }), headers: { ...bearer(a.access), 'content-type': 'application/json' },
    });
    assert.equal(deleted.status, 204, deleted.text);
    await assertEnded(a, b);
  });

  test('deactivation (an email change with activation on) ends its sessions', async () => {
    const deactivating = await startServer({ sendActivationEmail: true, emailUrl: `file:${mkdtempSync(join(tmpdir(), 'tessera-sessions-mail-'))}`, rotateRefreshTokens: true, tokenFamilies: true });
    try {
      await deactivating.createUser('frank', PASSWORD);
      const pair = await deactivating.login('frank', PASSWORD);
      const fam = decodeJwt(pair.refresh).claims.fam;
      const changed = await deactivating.request('PATCH', '/auth/users/me/', {
        body: JSON.stringify({ email: 'new@example.com' }), headers: { authorization: `Bearer ${pair.access}`, 'content-type': 'application/json' },
      });
      assert.equal(changed.status, 200, changed.text);
      const family = await deactivating.store.database.db.selectFrom('tessera_token_family').selectAll()
        .where('family', '=', String(fam)).executeTakeFirstOrThrow();
      assert.notEqual(family.revoked_at, null, 'the session was ended');
      const refresh = await deactivating.post('/api/token/refresh/', { refresh: pair.refresh });
      assert.equal(refresh.status, 401);
    } finally {
      await deactivating.close();
    }
  });
});
