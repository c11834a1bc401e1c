import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Settings } from '../../src/settings/index.js';
import { decodeJwt, startServer, type Answer, type TestServer } from '../support/server.js';

const PASSWORD = 'Ab12345678';
const STALE = { detail: 'This action needs a recent login; re-authenticate with your password.', code: 'reauthentication_required' };
const FAMILIES: Partial<Settings> = { tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true };

const claimsOf = (token: string) => decodeJwt(token).claims;
const bearer = (access: string) => ({ authorization: `Bearer ${access}` });

async function serverWith(settings: Partial<Settings>, ...users: string[]): Promise<TestServer> {
  const server = await startServer({ throttleEnabled: false, ...settings });
  for (const name of users) await server.createUser(name, PASSWORD);
  return server;
}

function assertStale(answer: Answer): void {
  assert.equal(answer.status, 403, answer.text);
  assert.deepEqual(answer.json, STALE);
}

describe('fresh login: auth_time, Fresh on sensitive routes, re-authentication (default freshLoginMaxAge, 10 minutes)', () => {
  let server: TestServer;
  const now = () => Math.floor(server.clock.now / 1000);
  before(async () => {
    server = await serverWith(FAMILIES, 'alice', 'bob', 'carol', 'dave');
  });
  after(() => server.close());

  test('auth_time is the login\'s second, and refresh with rotation keeps it in the access token and the successor', async () => {
    const pair = await server.login('alice', PASSWORD);
    const login = now();
    assert.equal(claimsOf(pair.access).auth_time, login);
    server.clock.advance(400);
    const rotated = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(rotated.status, 200, rotated.text);
    assert.equal(claimsOf(rotated.json.access).auth_time, login, 'the new access token carries the login\'s time, not the refresh\'s');
    assert.equal(claimsOf(rotated.json.refresh).auth_time, login);
    assert.equal(claimsOf(rotated.json.access).exp, login + 400 + 300, 'a new access token');
  });

  test('set_password right after login is fresh (204); the same change 601 s later is 403 reauthentication_required', async () => {
    const pair = await server.login('bob', PASSWORD);
    const changed = await server.post('/auth/users/set_password/', { current_password: PASSWORD, new_password: 'Zx98765432' }, pair.auth);
    assert.equal(changed.status, 204, changed.text);
    const again = await server.login('bob', 'Zx98765432');
    server.clock.advance(601);
    // A refresh does not make a login fresh: the access token keeps the old auth_time.
    const refreshed = await server.post('/api/token/refresh/', { refresh: again.refresh });
    assert.equal(refreshed.status, 200, refreshed.text);
    assertStale(await server.post('/auth/users/set_password/', { current_password: 'Zx98765432', new_password: PASSWORD }, bearer(refreshed.json.access)));
    // The edge: exactly 600 s old is still fresh.
    const edge = await server.login('bob', 'Zx98765432');
    server.clock.advance(600);
    const edgeRefreshed = await server.post('/api/token/refresh/', { refresh: edge.refresh });
    const atEdge = await server.post('/auth/users/set_password/', { current_password: 'Zx98765432', new_password: PASSWORD }, bearer(edgeRefreshed.json.access));
    assert.equal(atEdge.status, 204, atEdge.text);
  });

  test('stale: email change, account deletion, logout-all and ending one session are 403 with the code; a GET is not', async () => {
    const pair = await server.login('carol', PASSWORD);
    const other = await server.login('carol', PASSWORD);
    server.clock.advance(3600);
    const refreshed = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    const auth = bearer(refreshed.json.access);
    assertStale(await server.request('PATCH', '/auth/users/me/', { body: JSON.stringify({ email: 'c@example.com' }), headers: { ...auth, 'content-type': 'application/json' } }));
    assertStale(await server.request('PUT', '/auth/users/me/', { body: JSON.stringify({ email: 'c@example.com' }), headers: { ...auth, 'content-type': 'application/json' } }));
    assertStale(await server.request('DELETE', '/auth/users/me/', { body: JSON.stringify({ current_password: PASSWORD }), headers: { ...auth, 'content-type': 'application/json' } }));
    assertStale(await server.post('/api/sessions/logout-all/', {}, auth));
    const sessions = await server.get('/api/sessions/', auth);
    assert.equal(sessions.status, 200, 'reading is not sensitive');
    const otherId = sessions.json.find((s: { current: boolean }) => !s.current).id;
    assertStale(await server.request('DELETE', `/api/sessions/${otherId}/`, { headers: auth }));
    const me = await server.get('/auth/users/me/', auth);
    assert.equal(me.status, 200);
    assert.equal(me.json.email, (await server.store.users.findByUsername('carol'))!.email, 'nothing changed');
    assert.notEqual(me.json.email, 'c@example.com');
    const still = await server.post('/api/token/refresh/', { refresh: other.refresh });
    assert.equal(still.status, 200, 'the other session was not ended');
  });

  test('re-authentication: wrong password 400 in DRF shape; right password answers a pair in the same session, fresh again', async () => {
    const pair = await server.login('dave', PASSWORD);
    server.clock.advance(3600);
    const refreshed = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    const auth = bearer(refreshed.json.access);
    assertStale(await server.post('/api/sessions/logout-all/', { keep_current: true }, auth));

    const wrong = await server.post('/api/token/reauthenticate/', { password: 'not-it' }, auth);
    assert.equal(wrong.status, 400, wrong.text);
    assert.deepEqual(wrong.json, { password: ['Invalid password.'] });
    const missing = await server.post('/api/token/reauthenticate/', {}, auth);
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, { password: ['This field is required.'] });
    const anonymous = await server.post('/api/token/reauthenticate/', { password: PASSWORD });
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.json, { detail: 'Authentication credentials were not provided.' });

    const fresh = await server.post('/api/token/reauthenticate/', { password: PASSWORD }, auth);
    assert.equal(fresh.status, 200, fresh.text);
    assert.deepEqual(Object.keys(fresh.json).sort(), ['access', 'refresh']);
    const access = claimsOf(fresh.json.access);
    assert.equal(access.auth_time, now());
    assert.equal(access.fam, claimsOf(pair.refresh).fam, 'the same session');
    assert.equal(claimsOf(fresh.json.refresh).fam, claimsOf(pair.refresh).fam);
    const sessions = await server.get('/api/sessions/', bearer(fresh.json.access));
    assert.equal(sessions.json.length, 1, 'no new session was started');

    // Fresh again, and its refresh keeps the new auth_time.
    server.clock.advance(100);
    const rotated = await server.post('/api/token/refresh/', { refresh: fresh.json.refresh });
    assert.equal(rotated.status, 200, rotated.text);
    assert.equal(claimsOf(rotated.json.access).auth_time, now() - 100);
    const ended = await server.post('/api/sessions/logout-all/', { keep_current: true }, bearer(rotated.json.access));
    assert.equal(ended.status, 200, ended.text);

    await server.tessera.audit.flush();
    const events = await server.tessera.audit.list({});
    const here = events.filter((e) => e.detail.path === '/api/token/reauthenticate/');
    assert.deepEqual(here.map((e) => e.type).sort(), ['login_failed', 'login_succeeded']);
    assert.ok(here.every((e) => e.username === 'dave'));
  });

  test('a token without auth_time (issued before it existed) is not fresh', async () => {
    const user = await server.store.users.findByUsername('alice');
    const { codec, settings } = server.tessera.tokenContext;
    const iat = now();
    const old = codec.encode({ [settings.tokenTypeClaim]: 'access', exp: iat + 300, iat, [settings.jtiClaim]: 'f'.repeat(32), [settings.userIdClaim]: user!.id });
    const me = await server.get('/auth/users/me/', bearer(old));
    assert.equal(me.status, 200, 'the token itself is good');
    assertStale(await server.post('/auth/users/set_password/', { current_password: PASSWORD, new_password: 'Zx98765432' }, bearer(old)));
  });
});

describe('fresh login without token families, and switched off', () => {
  let server: TestServer;
  let off: TestServer;
  before(async () => {
    server = await serverWith({ rotateRefreshTokens: true, freshLoginMaxAge: 300 }, 'erin');
    off = await serverWith({ freshLoginMaxAge: 0 }, 'frank');
  });
  after(async () => {
    await server.close();
    await off.close();
  });

  test('auth_time rides in the refresh token\'s claims; reauthenticate answers a new pair', async () => {
    const pair = await server.login('erin', PASSWORD);
    const login = Math.floor(server.clock.now / 1000);
    server.clock.advance(301);
    const rotated = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(claimsOf(rotated.json.refresh).auth_time, login);
    assert.equal(claimsOf(rotated.json.access).auth_time, login);
    const auth = bearer(rotated.json.access);
    assertStale(await server.post('/auth/users/set_password/', { current_password: PASSWORD, new_password: 'Zx98765432' }, auth));
    const fresh = await server.post('/api/token/reauthenticate/', { password: PASSWORD }, auth);
    assert.equal(fresh.status, 200, fresh.text);
    assert.equal(claimsOf(fresh.json.access).auth_time, login + 301);
    const changed = await server.post('/auth/users/set_password/', { current_password: PASSWORD, new_password: 'Zx98765432' }, bearer(fresh.json.access));
    assert.equal(changed.status, 204, changed.text);
  });

  test('freshLoginMaxAge 0: tokens exactly Simple JWT\'s (no auth_time), no reauthenticate view, a day-old login changes its password', async () => {
    const pair = await off.login('frank', PASSWORD);
    assert.deepEqual(Object.keys(claimsOf(pair.access)), ['token_type', 'exp', 'iat', 'jti', 'user_id']);
    assert.deepEqual(Object.keys(claimsOf(pair.refresh)), ['token_type', 'exp', 'iat', 'jti', 'user_id']);
    assert.equal((await off.post('/api/token/reauthenticate/', { password: PASSWORD }, pair.auth)).status, 404);
    off.clock.advance(86400 - 1);
    const rotated = await off.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(rotated.status, 200, rotated.text);
    const changed = await off.post('/auth/users/set_password/', { current_password: PASSWORD, new_password: 'Zx98765432' }, bearer(rotated.json.access));
    assert.equal(changed.status, 204, changed.text);
  });
});

describe('re-authentication is throttled like a login, and answers in cookies when asked', () => {
  let server: TestServer;
  before(async () => {
    server = await serverWith({ throttleEnabled: true, throttleRates: { login_ip: '100/min', login_account_failures: '3/hour' } }, 'gina');
  });
  after(() => server.close());

  test('the account\'s failed logins count: the fourth wrong password is 429, and so is the right one then', async () => {
    const pair = await server.login('gina', PASSWORD);
    for (let i = 0; i < 3; i++) {
      const wrong = await server.post('/api/token/reauthenticate/', { password: `wrong-${i}` }, pair.auth);
      assert.equal(wrong.status, 400, wrong.text);
    }
    const throttled = await server.post('/api/token/reauthenticate/', { password: 'wrong-3' }, pair.auth);
    assert.equal(throttled.status, 429, throttled.text);
    assert.match(throttled.json.detail, /^Request was throttled\. Expected available in \d+ seconds?\.$/);
    const right = await server.post('/api/token/reauthenticate/', { password: PASSWORD }, pair.auth);
    assert.equal(right.status, 429, 'the budget is the account\'s, shared with /api/token/');
    const login = await server.post('/api/token/', { username: 'gina', password: PASSWORD });
    assert.equal(login.status, 429);
  });
});

describe('re-authentication in cookie mode', () => {
  let server: TestServer;
  before(async () => {
    server = await serverWith({}, 'hank');
  });
  after(() => server.close());

  test('X-Tessera-Transport: cookie answers as the login does: the refresh token in its cookie, not the body', async () => {
    const pair = await server.login('hank', PASSWORD);
    const answer = await server.post('/api/token/reauthenticate/', { password: PASSWORD }, { ...pair.auth, 'x-tessera-transport': 'cookie' });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(Object.keys(answer.json), ['access']);
    const cookies = answer.headers.getSetCookie().map((c) => c.split('=')[0]);
    assert.ok(cookies.includes('__Host-tessera-refresh'), cookies.join(', '));
    assert.ok(cookies.includes('csrftoken'), cookies.join(', '));
  });
});

describe('fresh login with sliding tokens', () => {
  let server: TestServer;
  before(async () => {
    server = await serverWith({ authTokenClasses: ['sliding'] }, 'ivy');
  });
  after(() => server.close());

  test('a sliding refresh keeps auth_time; stale is 403; reauthenticate answers a new sliding token, fresh', async () => {
    const obtained = await server.post('/api/token/sliding/', { username: 'ivy', password: PASSWORD });
    assert.equal(obtained.status, 200, obtained.text);
    const login = Math.floor(server.clock.now / 1000);
    assert.equal(claimsOf(obtained.json.token).auth_time, login);
    let token = obtained.json.token as string;
    for (let i = 0; i < 3; i++) {
      server.clock.advance(250);
      const slid = await server.post('/api/token/sliding/refresh/', { token });
      assert.equal(slid.status, 200, slid.text);
      token = slid.json.token;
    }
    assert.equal(claimsOf(token).auth_time, login, 'three sliding refreshes later, still the login\'s time');
    assertStale(await server.post('/auth/users/set_password/', { current_password: PASSWORD, new_password: 'Zx98765432' }, bearer(token)));
    const fresh = await server.post('/api/token/reauthenticate/', { password: PASSWORD }, bearer(token));
    assert.equal(fresh.status, 200, fresh.text);
    assert.deepEqual(Object.keys(fresh.json), ['token']);
    assert.equal(claimsOf(fresh.json.token).auth_time, login + 750);
    const changed = await server.post('/auth/users/set_password/', { current_password: PASSWORD, new_password: 'Zx98765432' }, bearer(fresh.json.token));
    assert.equal(changed.status, 204, changed.text);
  });
});
