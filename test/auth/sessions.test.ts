import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCookies, SESSION_COOKIE_AGE, SessionManager } from '../../src/auth/index.js';
import type { Store } from '../../src/store/index.js';
import { addUser, hashers, memoryStore } from './support.js';

describe('SessionManager (Django login/get_user over django_session)', () => {
  let store: Store;
  let now = Date.UTC(2026, 0, 1);
  let sessions: SessionManager;
  before(async () => {
    store = await memoryStore();
    sessions = new SessionManager({ sessions: store.sessions, users: store.users, clock: () => now, secret: 'server-secret' });
  });
  after(() => store.close());

  test('a session stores only the user id and a digest of the password hash', async () => {
    const ann = await addUser(store, 'ann', 'pw-ann-12345');
    const { key, maxAge } = await sessions.login(ann);
    assert.match(key, /^[a-z0-9]{32}$/);
    assert.equal(maxAge, 14 * 24 * 3600);
    const row = await store.database.db.selectFrom('django_session').selectAll().where('session_key', '=', key).executeTakeFirstOrThrow();
    const data = JSON.parse(row.session_data);
    assert.deepEqual(Object.keys(data).sort(), ['_auth_user_hash', '_auth_user_id']);
    assert.equal(data._auth_user_id, String(ann.id));
    assert.ok(!row.session_data.includes(ann.password));
    assert.equal(row.expire_date, new Date(now + SESSION_COOKIE_AGE * 1000).toISOString());
    assert.equal((await sessions.userFor(key))?.username, 'ann');
  });

  test('changing the password ends the session', async () => {
    const bob = await addUser(store, 'bob', 'pw-bob-12345');
    const { key } = await sessions.login(bob);
    await store.users.setPassword(bob.id, await hashers.hash('new-password-678'));
    assert.equal(await sessions.userFor(key), null);
    assert.equal(await store.sessions.findValid(key, new Date(now)), null, 'the stale session is deleted');
  });

  test('sessions expire after two weeks, by the clock', async () => {
    const carl = await addUser(store, 'carl', 'pw-carl-12345');
    const { key } = await sessions.login(carl);
    now += (SESSION_COOKIE_AGE - 1) * 1000;
    assert.equal((await sessions.userFor(key))?.username, 'carl');
    now += 1000;
    assert.equal(await sessions.userFor(key), null);
  });

  test('an inactive user has no session user; logout deletes; login ends the previous key', async () => {
    const dora = await addUser(store, 'dora', 'pw-dora-12345');
    const first = await sessions.login(dora);
    const second = await sessions.login(dora, first.key);
    assert.equal(await sessions.userFor(first.key), null);
    assert.equal((await sessions.userFor(second.key))?.username, 'dora');
    await store.database.db.updateTable('auth_user').set({ is_active: 0 }).where('id', '=', dora.id).execute();
    assert.equal(await sessions.userFor(second.key), null);
    await sessions.logout(second.key);
    assert.equal(await store.sessions.findValid(second.key, new Date(now)), null);
  });

  test('keys that are not session keys are not looked up', async () => {
    assert.equal(await sessions.userFor("' OR 1=1 --"), null);
    assert.equal(await sessions.userFor(''), null);
  });

  test('another secret does not accept the session (the digest is keyed)', async () => {
    const eve = await addUser(store, 'eve', 'pw-eve-12345');
    const { key } = await sessions.login(eve);
    const other = new SessionManager({ sessions: store.sessions, users: store.users, clock: () => now, secret: 'another-secret' });
    assert.equal(await other.userFor(key), null);
  });
});

describe('parseCookies (Django parse_cookie)', () => {
  test('pairs, whitespace, a later duplicate wins, a bare value', () => {
    const cookies = parseCookies({ method: 'GET', headers: { cookie: ' a=1 ; sessionid=abc;a=2; lonely' } });
    assert.equal(cookies.get('a'), '2');
    assert.equal(cookies.get('sessionid'), 'abc');
    assert.equal(cookies.get(''), 'lonely');
    assert.equal(parseCookies({ method: 'GET', headers: {} }).size, 0);
  });
});
