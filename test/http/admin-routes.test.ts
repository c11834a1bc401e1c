import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPasswordHashers, generateSigningKey, rotateSigningKeys } from '../../src/crypto/index.js';
import { SigningKeyRepository } from '../../src/store/index.js';
import { startServer, startSignedIn, TEST_SIGNING_KEY, type Answer, type Login, type TestServer } from '../support/server.js';

const PASSWORD = 'tessera-pass-42';

/** Every staff API route, as [method, path]. */
const ROUTES: [string, string][] = [
  ['GET', '/api/admin/'],
  ['GET', '/api/admin/users/'],
  ['GET', '/api/admin/users/1/'],
  ['PATCH', '/api/admin/users/1/'],
  ['POST', '/api/admin/users/1/logout-all/'],
  ['GET', '/api/admin/tokens/outstanding/'],
  ['POST', '/api/admin/tokens/outstanding/1/blacklist/'],
  ['GET', '/api/admin/tokens/blacklisted/'],
  ['GET', '/api/admin/audit/'],
  ['GET', '/api/admin/keys/'],
];

describe('staff API (/api/admin/)', () => {
  let server: TestServer;
  let staff: Login;
  let base: string;
  before(async () => {
    ({ server, ...staff } = await startSignedIn({ tokenFamilies: true }, { username: 'root', password: PASSWORD, extra: { isStaff: true, isSuperuser: true } }));
    base = server.url;
    await server.createUser('alice', PASSWORD);
  });
  after(() => server.close());

  const login = (username: string) => server.login(username, PASSWORD);
  const bearer = (access: string) => ({ authorization: `Bearer ${access}` });
  const asStaff = (method: string, path: string, body?: unknown): Promise<Answer> =>
    server.request(method, path, {
      headers: { ...bearer(staff.access), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const userId = async (username: string) => (await server.store.users.findByUsername(username))!.id;

  test('every route is 401 without credentials and 403 for a signed-in user who is not staff', async () => {
    const alice = await login('alice');
    for (const [method, path] of ROUTES) {
      const anonymous = await server.request(method, path);
      assert.equal(anonymous.status, 401, `${method} ${path}`);
      assert.deepEqual(anonymous.json, { detail: 'Authentication credentials were not provided.' });
      assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="api"');
      const user = await server.request(method, path, { headers: bearer(alice.access) });
      assert.equal(user.status, 403, `${method} ${path}`);
      assert.deepEqual(user.json, { detail: 'You do not have permission to perform this action.' });
    }
  });

  test('the root names every list by absolute URL', async () => {
    const root = await asStaff('GET', '/api/admin/');
    assert.equal(root.status, 200);
    assert.deepEqual(root.json, {
      users: `${base}/api/admin/users/`,
      outstanding_tokens: `${base}/api/admin/tokens/outstanding/`,
      blacklisted_tokens: `${base}/api/admin/tokens/blacklisted/`,
      audit: `${base}/api/admin/audit/`,
      keys: `${base}/api/admin/keys/`,
    });
  });

  test('users: the fields, and search over username, email, first and last name, case-insensitive', async () => {
    const hash = await createPasswordHashers().hash(PASSWORD);
    await server.store.users.create({ username: 'carol_x', email: 'Carol@Example.org', password: hash, firstName: 'Carol', lastName: 'Dupont' });
    await server.store.users.create({ username: 'dave', email: 'dave@example.net', password: hash, firstName: 'David', lastName: 'Du%pont' });
    const one = await asStaff('GET', '/api/admin/users/?search=CAROL');
    assert.equal(one.status, 200);
    assert.equal(one.json.count, 1);
    const carol = one.json.results[0];
    assert.deepEqual(Object.keys(carol).sort(), [
      'date_joined', 'email', 'first_name', 'id', 'is_active', 'is_staff', 'is_superuser', 'last_login', 'last_name', 'username',
    ]);
    assert.equal(carol.username, 'carol_x');
    assert.equal(carol.last_login, null);
    assert.match(carol.date_joined, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/);
    const names = async (search: string) =>
      ((await asStaff('GET', `/api/admin/users/?search=${encodeURIComponent(search)}`)).json.results as { username: string }[]).map((u) => u.username);
    assert.deepEqual(await names('example.NET'), ['dave'], 'email');
    assert.deepEqual(await names('dupont'), ['carol_x'], 'last name; "%" in a name is not a wildcard');
    assert.deepEqual(await names('du%p'), ['dave'], '"%" in the search matches itself only');
    assert.deepEqual(await names('l_x'), ['carol_x'], '"_" matches itself only');
    assert.deepEqual(await names('davi'), ['dave'], 'first name');
    assert.deepEqual(await names('carol dupont'), ['carol_x'], 'every term must match some field');
    assert.deepEqual(await names('carol david'), []);
    assert.deepEqual((await names('')).slice(0, 2), ['root', 'alice'], 'no search: everyone by id');
  });

  test('pagination: 20 a page, absolute next/previous keeping other parameters, out of range and junk pages 404', async () => {
    const hash = await createPasswordHashers().hash(PASSWORD);
    for (let i = 0; i < 25; i++) {
      await server.store.users.create({ username: `bulk${String(i).padStart(2, '0')}`, email: `bulk${i}@example.com`, password: hash });
    }
    const first = await asStaff('GET', '/api/admin/users/?search=bulk');
    assert.equal(first.status, 200);
    assert.equal(first.json.count, 25);
    assert.equal(first.json.results.length, 20);
    assert.equal(first.json.previous, null);
    assert.equal(first.json.next, `${base}/api/admin/users/?page=2&search=bulk`);
    const second = await asStaff('GET', '/api/admin/users/?search=bulk&page=2');
    assert.equal(second.json.results.length, 5);
    assert.equal(second.json.results[0].username, 'bulk20');
    assert.equal(second.json.next, null);
    assert.equal(second.json.previous, `${base}/api/admin/users/?search=bulk`, 'page 1 has no page parameter');
    const last = await asStaff('GET', '/api/admin/users/?page=last&search=bulk');
    assert.deepEqual(last.json, second.json);
    for (const page of ['3', '0', '-1', 'abc', '1.5']) {
      const invalid = await asStaff('GET', `/api/admin/users/?search=bulk&page=${page}`);
      assert.equal(invalid.status, 404, page);
      assert.deepEqual(invalid.json, { detail: 'Invalid page.' });
    }
    const empty = await asStaff('GET', '/api/admin/users/?search=nobody-matches-this');
    assert.deepEqual(empty.json, { count: 0, next: null, previous: null, results: [] }, 'an empty first page is a page');
  });

  test('user detail: one user; unknown and non-numeric ids are 404', async () => {
    const id = await userId('alice');
    const detail = await asStaff('GET', `/api/admin/users/${id}/`);
    assert.equal(detail.status, 200);
    assert.equal(detail.json.username, 'alice');
    assert.equal(detail.json.email, 'alice@example.com');
    assert.deepEqual([detail.json.groups, detail.json.permissions, detail.json.fields], [[], [], {}]);
    // Groups, effective permissions and a custom user model's own columns (import-django keeps them).
    await server.tessera.permissions.addToGroup(id, 'editors');
    await server.tessera.permissions.grantToGroup('editors', 'notes.change_note');
    await server.tessera.permissions.grant(id, 'notes.add_note');
    await server.tessera.permissions.setFields(id, { department: 'Sales', newsletter: true });
    const richer = await asStaff('GET', `/api/admin/users/${id}/`);
    assert.deepEqual(
      [richer.json.groups, richer.json.permissions, richer.json.fields],
      [['editors'], ['notes.add_note', 'notes.change_note'], { department: 'Sales', newsletter: true }],
    );
    for (const path of ['/api/admin/users/999999/', '/api/admin/users/abc/', '/api/admin/users/1e3/']) {
      for (const method of ['GET', 'PATCH']) {
        const missing = await asStaff(method, path, method === 'PATCH' ? { is_active: false } : undefined);
        assert.equal(missing.status, 404, `${method} ${path}`);
        assert.deepEqual(missing.json, { detail: 'Not found.' });
      }
    }
    assert.equal((await asStaff('POST', '/api/admin/users/999999/logout-all/')).status, 404);
  });

  test('PATCH deactivates (ending the user\'s tokens and sessions at once), reactivates, and records user_updated', async () => {
    await server.createUser('erin', PASSWORD);
    const erin = await login('erin');
    const id = await userId('erin');
    assert.equal((await server.get('/auth/users/me/', bearer(erin.access))).status, 200);
    server.clock.advance(2);

    const off = await asStaff('PATCH', `/api/admin/users/${id}/`, { is_active: 'false' });
    assert.equal(off.status, 200, JSON.stringify(off.json));
    assert.equal(off.json.is_active, false);
    assert.equal((await server.store.users.findById(id))!.isActive, false);
    assert.equal((await server.get('/auth/users/me/', bearer(erin.access))).status, 401, 'the existing access token is refused');
    assert.equal((await server.post('/api/token/refresh/', { refresh: erin.refresh })).status, 401, 'and the refresh token');

    const on = await asStaff('PATCH', `/api/admin/users/${id}/`, { is_active: true });
    assert.equal(on.json.is_active, true);
    server.clock.advance(2);
    const again = await login('erin');
    assert.equal((await server.get('/auth/users/me/', bearer(again.access))).status, 200, 'a new login works after reactivation');
    assert.equal((await server.post('/api/token/refresh/', { refresh: erin.refresh })).status, 401, 'the old session stays ended');

    const audit = await asStaff('GET', '/api/admin/audit/?event=user_updated&user=erin');
    assert.equal(audit.json.count, 2);
    const [reactivated, deactivated] = audit.json.results;
    assert.deepEqual(deactivated.detail.changes, { is_active: false });
    assert.deepEqual(reactivated.detail.changes, { is_active: true });
    assert.equal(deactivated.detail.staff, 'root');
    assert.equal(deactivated.user_id, id);
  });

  test('PATCH validates booleans and refuses to deactivate or un-staff yourself', async () => {
    const id = await userId('alice');
    const bad = await asStaff('PATCH', `/api/admin/users/${id}/`, { is_active: 'maybe', is_staff: [] });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json, { is_active: ['Must be a valid boolean.'], is_staff: ['Must be a valid boolean.'] });
    const nullValue = await asStaff('PATCH', `/api/admin/users/${id}/`, { is_active: null });
    assert.deepEqual(nullValue.json, { is_active: ['This field may not be null.'] });
    const me = await userId('root');
    const deactivate = await asStaff('PATCH', `/api/admin/users/${me}/`, { is_active: false });
    assert.equal(deactivate.status, 400);
    assert.deepEqual(deactivate.json, { non_field_errors: ['You cannot deactivate your own account.'] });
    const unstaff = await asStaff('PATCH', `/api/admin/users/${me}/`, { is_staff: 'off' });
    assert.equal(unstaff.status, 400);
    assert.deepEqual(unstaff.json, { non_field_errors: ['You cannot remove staff status from your own account.'] });
    const rootNow = await server.store.users.findById(me);
    assert.equal(rootNow!.isActive && rootNow!.isStaff, true, 'nothing changed');
    const harmless = await asStaff('PATCH', `/api/admin/users/${me}/`, { is_active: true, is_staff: true, username: 'ignored' });
    assert.equal(harmless.status, 200);
    assert.equal(harmless.json.username, 'root', 'read-only and unknown fields are ignored');
  });

  test('PATCH is_staff makes a user staff, and takes it back', async () => {
    await server.createUser('frank', PASSWORD);
    const id = await userId('frank');
    const frank = await login('frank');
    assert.equal((await server.get('/api/admin/', bearer(frank.access))).status, 403);
    const promoted = await asStaff('PATCH', `/api/admin/users/${id}/`, { is_staff: true });
    assert.equal(promoted.status, 200);
    assert.equal(promoted.json.is_staff, true);
    assert.equal((await server.get('/api/admin/', bearer(frank.access))).status, 200);
    await asStaff('PATCH', `/api/admin/users/${id}/`, { is_staff: 0 });
    assert.equal((await server.get('/api/admin/', bearer(frank.access))).status, 403);
  });

  describe('staff who are not superusers', () => {
    let clerk: Login;
    before(async () => {
      await server.createUser('boss', PASSWORD, { isStaff: true, isSuperuser: true });
      await server.createUser('clerk', PASSWORD, { isStaff: true });
      await server.createUser('clerk2', PASSWORD, { isStaff: true });
      await server.createUser('dan', PASSWORD);
      clerk = await login('clerk');
    });
    const asClerk = (method: string, path: string, body?: unknown): Promise<Answer> =>
      server.request(method, path, {
        headers: { ...bearer(clerk.access), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const outstandingIdOf = async (username: string): Promise<number> =>
      (await asStaff('GET', `/api/admin/tokens/outstanding/?user=${username}`)).json.results[0].id;
    const isBlacklisted = async (tokenId: number): Promise<boolean> =>
      server.store.tokens.isBlacklisted((await server.store.tokens.findOutstandingById(tokenId))!.jti);
    /** The events the staff API records about `username` (its user_updated, sessions_revoked, token_blacklisted), newest first. */
    const staffEventsAbout = async (username: string): Promise<string[]> =>
      ((await asStaff('GET', `/api/admin/audit/?user=${username}`)).json.results as { event: string; detail: { staff?: string } }[])
        .filter((e) => e.detail.staff !== undefined).map((e) => e.event);
    const CHANGE_SUPERUSER = { detail: 'Only a superuser may change a superuser.' };
    const END_SUPERUSER_SESSIONS = { detail: 'Only a superuser may end a superuser\'s sessions.' };
    const STAFF_STATUS = { detail: 'Only a superuser may grant or remove staff status.' };

    test('cannot change a superuser, end their sessions or blacklist their tokens: 403, nothing changes, nothing is audited', async () => {
      const boss = await login('boss');
      const id = await userId('boss');
      const tokenId = await outstandingIdOf('boss');
      // A cut-off or an ended session would refuse the tokens issued before it.
      server.clock.advance(2);
      for (const body of [{ is_active: false }, { is_staff: false }, { is_active: true }, {}, { is_active: 'maybe' }]) {
        const refused = await asClerk('PATCH', `/api/admin/users/${id}/`, body);
        assert.equal(refused.status, 403, JSON.stringify(body));
        assert.deepEqual(refused.json, CHANGE_SUPERUSER);
      }
      const logoutAll = await asClerk('POST', `/api/admin/users/${id}/logout-all/`);
      assert.equal(logoutAll.status, 403);
      assert.deepEqual(logoutAll.json, END_SUPERUSER_SESSIONS);
      const blacklist = await asClerk('POST', `/api/admin/tokens/outstanding/${tokenId}/blacklist/`);
      assert.equal(blacklist.status, 403);
      assert.deepEqual(blacklist.json, END_SUPERUSER_SESSIONS);

      const bossNow = (await server.store.users.findById(id))!;
      assert.equal(bossNow.isActive && bossNow.isStaff && bossNow.isSuperuser, true, 'the superuser is unchanged');
      assert.equal(await isBlacklisted(tokenId), false, 'the token is not blacklisted');
      assert.equal((await server.get('/auth/users/me/', bearer(boss.access))).status, 200, 'their access token still works');
      assert.equal((await server.post('/api/token/refresh/', { refresh: boss.refresh })).status, 200, 'and their refresh token');
      assert.deepEqual(await staffEventsAbout('boss'), [], 'refusals are not audited, as no refused staff action is');
    });

    test('cannot grant or remove staff status, not even with another change: 403 and nothing changes', async () => {
      const dan = await userId('dan');
      const grant = await asClerk('PATCH', `/api/admin/users/${dan}/`, { is_active: false, is_staff: true });
      assert.equal(grant.status, 403);
      assert.deepEqual(grant.json, STAFF_STATUS);
      const danNow = (await server.store.users.findById(dan))!;
      assert.equal(danNow.isStaff, false, 'not made staff');
      assert.equal(danNow.isActive, true, 'and the other change in the request is not made either');
      const colleague = await userId('clerk2');
      const remove = await asClerk('PATCH', `/api/admin/users/${colleague}/`, { is_staff: false });
      assert.equal(remove.status, 403);
      assert.deepEqual(remove.json, STAFF_STATUS);
      assert.equal((await server.store.users.findById(colleague))!.isStaff, true);
      const self = await asClerk('PATCH', `/api/admin/users/${await userId('clerk')}/`, { is_staff: false });
      assert.equal(self.status, 403);
      assert.deepEqual(self.json, STAFF_STATUS);
      assert.deepEqual(await staffEventsAbout('dan'), []);
      assert.deepEqual(await staffEventsAbout('clerk2'), []);
    });

    test('still manage ordinary users: deactivate, reactivate, end sessions, blacklist tokens', async () => {
      const dan = await userId('dan');
      await login('dan');
      const tokenId = await outstandingIdOf('dan');
      const off = await asClerk('PATCH', `/api/admin/users/${dan}/`, { is_active: false });
      assert.equal(off.status, 200, JSON.stringify(off.json));
      assert.equal((await server.store.users.findById(dan))!.isActive, false);
      const on = await asClerk('PATCH', `/api/admin/users/${dan}/`, { is_active: true, is_staff: false });
      assert.equal(on.status, 200, 'an is_staff that changes nothing is no grant');
      assert.equal((await server.store.users.findById(dan))!.isActive, true);
      assert.equal((await asClerk('POST', `/api/admin/users/${dan}/logout-all/`)).status, 200);
      assert.equal((await asClerk('POST', `/api/admin/tokens/outstanding/${tokenId}/blacklist/`)).status, 200);
      assert.equal(await isBlacklisted(tokenId), true);
      assert.deepEqual(await staffEventsAbout('dan'), ['token_blacklisted', 'sessions_revoked', 'user_updated', 'user_updated']);
    });

    test('a superuser may do all of it', async () => {
      const boss = await login('boss');
      const id = await userId('boss');
      const tokenId = await outstandingIdOf('boss');
      assert.equal((await asStaff('POST', `/api/admin/tokens/outstanding/${tokenId}/blacklist/`)).status, 200);
      assert.equal((await asStaff('POST', `/api/admin/users/${id}/logout-all/`)).status, 200);
      const unstaff = await asStaff('PATCH', `/api/admin/users/${id}/`, { is_staff: false, is_active: false });
      assert.equal(unstaff.status, 200, JSON.stringify(unstaff.json));
      assert.equal(unstaff.json.is_staff, false);
      const restore = await asStaff('PATCH', `/api/admin/users/${id}/`, { is_staff: true, is_active: true });
      assert.equal(restore.json.is_staff && restore.json.is_active, true);
      const colleague = await userId('clerk2');
      assert.equal((await asStaff('PATCH', `/api/admin/users/${colleague}/`, { is_staff: false })).json.is_staff, false);
      assert.equal((await server.post('/api/token/refresh/', { refresh: boss.refresh })).status, 401, 'the superuser\'s sessions did end');
    });
  });

  test('logout-all ends every session and token of the user and records sessions_revoked', async () => {
    await server.createUser('gina', PASSWORD);
    const id = await userId('gina');
    const phone = await login('gina');
    const laptop = await login('gina');
    // A Django session login and a DRF auth token of hers, and a session of someone else's.
    const sessions = server.tessera.sessionLogins;
    const gina = (await server.store.users.findById(id))!;
    const browser = await sessions.login(gina);
    const other = await sessions.login((await server.store.users.findByUsername('alice'))!);
    await server.store.authTokens.getOrCreate(id, new Date(server.clock.now));
    server.clock.advance(2);
    const ended = await asStaff('POST', `/api/admin/users/${id}/logout-all/`);
    assert.equal(ended.status, 200);
    assert.deepEqual(ended.json, { ended: 3 }, 'two token families and one session login');
    assert.equal(await sessions.userFor(browser.key), null, 'her session login is over');
    assert.equal((await sessions.userFor(other.key))?.username, 'alice', 'someone else\'s is not');
    assert.equal(await server.store.authTokens.findByUser(id), null, 'her DRF auth token is deleted');
    for (const session of [phone, laptop]) {
      const refresh = await server.post('/api/token/refresh/', { refresh: session.refresh });
      assert.equal(refresh.status, 401);
      assert.equal(refresh.json.code, 'token_not_valid');
      assert.equal((await server.get('/auth/users/me/', bearer(session.access))).status, 401);
    }
    // The staff token lists say why her tokens' sessions ended.
    const listed = await asStaff('GET', '/api/admin/tokens/outstanding/?user=gina');
    assert.deepEqual(listed.json.results.map((token: { session_end_reason: string | null }) => token.session_end_reason), ['staff', 'staff']);
    const fresh = await login('gina');
    assert.equal((await server.get('/auth/users/me/', bearer(fresh.access))).status, 200, 'logging in again works');
    assert.deepEqual((await asStaff('POST', `/api/admin/users/${id}/logout-all/`)).json, { ended: 1 });

    const audit = await asStaff('GET', '/api/admin/audit/?event=sessions_revoked&user=gina');
    assert.equal(audit.json.count, 2);
    const event = audit.json.results[1];
    assert.deepEqual(Object.keys(event).sort(), ['created_at', 'detail', 'event', 'id', 'ip', 'user_agent', 'user_id', 'username']);
    assert.equal(event.event, 'sessions_revoked');
    assert.equal(event.user_id, id);
    assert.equal(event.ip, '127.0.0.1');
    assert.equal(event.detail.staff, 'root');
    assert.equal(event.detail.ended, 3);
  });

  test('outstanding tokens after logins, filtered by user; the blacklist action; blacklisted tokens', async () => {
    await server.createUser('hank', PASSWORD);
    const first = await login('hank');
    server.clock.advance(1);
    const second = await login('hank');
    const list = await asStaff('GET', '/api/admin/tokens/outstanding/?user=hank');
    assert.equal(list.status, 200);
    assert.equal(list.json.count, 2);
    const [newest, oldest] = list.json.results;
    assert.deepEqual(Object.keys(newest).sort(), ['blacklisted_at', 'created_at', 'expires_at', 'id', 'jti', 'session_end_reason', 'user_id', 'username']);
    assert.equal(newest.session_end_reason, null);
    assert.equal(newest.username, 'hank');
    assert.equal(newest.user_id, await userId('hank'));
    assert.equal(newest.blacklisted_at, null);
    assert.equal(newest.jti, JSON.parse(Buffer.from(second.refresh.split('.')[1]!, 'base64url').toString()).jti, 'newest first');
    assert.equal(oldest.jti, JSON.parse(Buffer.from(first.refresh.split('.')[1]!, 'base64url').toString()).jti);
    assert.ok(!list.text.includes(first.refresh) && !list.text.includes(second.refresh), 'never the token text');
    const all = await asStaff('GET', '/api/admin/tokens/outstanding/');
    assert.ok(all.json.count > 2);
    assert.deepEqual((await asStaff('GET', '/api/admin/tokens/outstanding/?user=nobody')).json.count, 0);

    const blacklist = await asStaff('POST', `/api/admin/tokens/outstanding/${oldest.id}/blacklist/`);
    assert.equal(blacklist.status, 200);
    assert.deepEqual(blacklist.json, {});
    assert.equal((await asStaff('POST', `/api/admin/tokens/outstanding/${oldest.id}/blacklist/`)).status, 200, 'idempotent');
    const refused = await server.post('/api/token/refresh/', { refresh: first.refresh });
    assert.equal(refused.status, 401);
    assert.equal(refused.json.detail, 'Token is blacklisted');
    assert.equal((await server.post('/api/token/refresh/', { refresh: second.refresh })).status, 200, 'the other one still works');
    for (const path of ['/api/admin/tokens/outstanding/999999/blacklist/', '/api/admin/tokens/outstanding/x/blacklist/']) {
      const missing = await asStaff('POST', path);
      assert.equal(missing.status, 404, path);
      assert.deepEqual(missing.json, { detail: 'Not found.' });
    }

    const after = await asStaff('GET', '/api/admin/tokens/outstanding/?user=hank');
    assert.equal(after.json.results[1].blacklisted_at, new Date(server.clock.now).toISOString().replace('.000Z', 'Z'));
    const blacklisted = await asStaff('GET', '/api/admin/tokens/blacklisted/');
    assert.equal(blacklisted.status, 200);
    assert.equal(blacklisted.json.count, await server.store.database.db.selectFrom('token_blacklist_blacklistedtoken').select('id').execute().then((r) => r.length));
    assert.deepEqual(Object.keys(blacklisted.json.results[0]).sort(), ['blacklisted_at', 'expires_at', 'id', 'jti', 'session_end_reason', 'user_id', 'username']);
    assert.equal(blacklisted.json.results[0].jti, oldest.jti, 'most recently blacklisted first');
    assert.equal(blacklisted.json.results[0].username, 'hank');
    assert.equal(blacklisted.json.results[0].expires_at, oldest.expires_at);

    const audit = await asStaff('GET', '/api/admin/audit/?event=token_blacklisted&user=hank');
    assert.equal(audit.json.count, 2, 'each action is recorded');
    assert.equal(audit.json.results[0].detail.jti, oldest.jti);
    assert.equal(audit.json.results[0].detail.staff, 'root');
  });

  test('audit: newest first, filtered by event and username; an unknown event is a field error', async () => {
    await server.createUser('ivy', PASSWORD);
    await server.post('/api/token/', { username: 'ivy', password: 'wrong-password-1' });
    await login('ivy');
    const mine = await asStaff('GET', '/api/admin/audit/?user=ivy');
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.json.results.map((e: { event: string }) => e.event), ['login_succeeded', 'login_failed']);
    const failed = await asStaff('GET', '/api/admin/audit/?user=ivy&event=login_failed');
    assert.equal(failed.json.count, 1);
    assert.equal(failed.json.results[0].username, 'ivy');
    const logins = await asStaff('GET', '/api/admin/audit/?event=login_succeeded');
    assert.ok(logins.json.results.every((e: { event: string }) => e.event === 'login_succeeded'));
    assert.ok(logins.json.count > 5);
    const ids = logins.json.results.map((e: { id: number }) => e.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
    const unknown = await asStaff('GET', '/api/admin/audit/?event=party');
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.json, { event: ['Select a valid choice. party is not one of the available choices.'] });
  });

  test('keys on an HMAC server: its one key, with no secret', async () => {
    const keys = await asStaff('GET', '/api/admin/keys/');
    assert.equal(keys.status, 200);
    assert.deepEqual(keys.json, { results: [{ kid: null, alg: 'HS256', status: 'active', created_at: null, retires_at: null }] });
    assert.ok(!keys.text.includes(TEST_SIGNING_KEY));
  });

  test('OPTIONS names the view, as DRF does', async () => {
    const options = await asStaff('OPTIONS', '/api/admin/users/1/');
    assert.equal(options.status, 200);
    assert.equal(options.json.name, 'Staff User Detail');
    assert.match(options.headers.get('allow') ?? '', /PATCH/);
  });
});

describe('staff API keys with a database keyring', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await server.createUser('root', PASSWORD, { isStaff: true });
  });
  after(() => server.close());

  test('lists kid, alg, status and dates of every key, and never key material', async () => {
    const rows = new SigningKeyRepository(server.store.database.db);
    const now = new Date(server.clock.now);
    const first = await generateSigningKey(rows, 'ES256', now);
    const { activated } = await rotateSigningKeys(rows, { now, overlapSeconds: 3600, alg: 'RS256' });
    const pending = await generateSigningKey(rows, 'EdDSA', now);
    const keys = await server.get('/api/admin/keys/', (await server.login('root', PASSWORD)).auth);
    assert.equal(keys.status, 200, JSON.stringify(keys.json));
    const at = (date: Date) => date.toISOString().replace('.000Z', 'Z');
    assert.deepEqual(keys.json.results, [
      { kid: first.kid, alg: 'ES256', status: 'verifying-only', created_at: at(now), retires_at: at(new Date(now.getTime() + 3600_000)) },
      { kid: activated.kid, alg: 'RS256', status: 'active', created_at: at(now), retires_at: null },
      { kid: pending.kid, alg: 'EdDSA', status: 'verifying-only', created_at: at(now), retires_at: null },
      { kid: null, alg: 'HS256', status: 'verifying-only', created_at: null, retires_at: null },
    ]);
    for (const secret of ['PRIVATE KEY', TEST_SIGNING_KEY, '"d"', 'pem']) assert.ok(!keys.text.includes(secret), secret);
    server.clock.advance(3601);
    const later = await server.get('/api/admin/keys/', (await server.login('root', PASSWORD)).auth);
    assert.equal(later.json.results[0].status, 'retired');
  });
});
