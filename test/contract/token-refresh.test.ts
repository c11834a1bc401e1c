import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

const SEED_000_EXPIRED = {
  detail: 'Given token not valid for any token type',
  code: 'token_not_valid',
  messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' }],
};

describe('POST /api/token/refresh/ with default settings (no rotation)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('a refresh token gives only a new access token, for the same user', async () => {
    const { refresh } = await server.login();
    server.clock.advance(10);
    const answer = await server.post('/api/token/refresh/', { refresh });
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.json), ['access']);
    assert.equal(answer.headers.get('allow'), 'POST, OPTIONS');
    const access = decodeJwt(answer.json.access).claims;
    const now = Math.floor(server.clock.now / 1000);
    assert.equal(access.token_type, 'access');
    assert.equal(access.user_id, 1);
    // Simple JWT copies every claim but type, exp and jti from the refresh token, iat included.
    assert.equal(access.iat, decodeJwt(refresh).claims.iat);
    assert.equal(access.exp, now + 300);
    assert.notEqual(access.jti, decodeJwt(refresh).claims.jti);
    const me = await server.get('/api/user/', { authorization: `Bearer ${answer.json.access}` });
    assert.equal(me.status, 200);
    assert.deepEqual(me.json, { id: 1, username: 'shoumitro' });
  });

  test('the same refresh token can be used again when rotation is off', async () => {
    const { refresh } = await server.login();
    for (let i = 0; i < 3; i++) {
      const answer = await server.post('/api/token/refresh/', { refresh });
      assert.equal(answer.status, 200);
    }
  });

  test('an access token is refused as a refresh token', async () => {
    const { access } = await server.login();
    const answer = await server.post('/api/token/refresh/', { refresh: access });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Token has wrong type', code: 'token_not_valid' });
    assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
  });

  test('a missing, blank or garbage refresh field', async () => {
    let answer = await server.post('/api/token/refresh/', {});
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, { refresh: ['This field is required.'] });
    answer = await server.post('/api/token/refresh/', { refresh: '' });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, { refresh: ['This field may not be blank.'] });
    answer = await server.post('/api/token/refresh/', { refresh: 'not.a.token' });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
  });

  test('a refresh token with a tampered payload is invalid', async () => {
    const { refresh } = await server.login();
    const [header, , signature] = refresh.split('.');
    const claims = { ...decodeJwt(refresh).claims, user_id: 2 };
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const answer = await server.post('/api/token/refresh/', { refresh: forged });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
  });
});

describe('token expiry, moved by the test clock', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('access works at 299 s, is refused at 301 s with the seed 000 body, refresh brings access back', async () => {
    const { refresh, access } = await server.login();
    server.clock.advance(299);
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${access}` })).status, 200);
    server.clock.advance(2);
    const expired = await server.get('/api/user/', { authorization: `Bearer ${access}` });
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.json, SEED_000_EXPIRED);
    assert.equal(expired.headers.get('www-authenticate'), 'Bearer realm="api"');

    const renewed = await server.post('/api/token/refresh/', { refresh });
    assert.equal(renewed.status, 200);
    const me = await server.get('/api/user/', { authorization: `Bearer ${renewed.json.access}` });
    assert.equal(me.status, 200);
    assert.deepEqual(me.json, { id: 1, username: 'shoumitro' });
  });

  test('an access token expires at exactly exp (exp <= now is expired, as in PyJWT)', async () => {
    const { access } = await server.login();
    server.clock.advance(300);
    const answer = await server.get('/api/user/', { authorization: `Bearer ${access}` });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, SEED_000_EXPIRED);
  });

  test('a refresh token is refused after one day', async () => {
    const { refresh } = await server.login();
    server.clock.advance(86400 - 1);
    assert.equal((await server.post('/api/token/refresh/', { refresh })).status, 200);
    server.clock.advance(1);
    const answer = await server.post('/api/token/refresh/', { refresh });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
  });

  test('a token issued in the future (nbf-less, iat ahead) still verifies; one whose exp is past does not', async () => {
    const { access } = await server.login();
    server.clock.advance(-100);
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${access}` })).status, 200);
    server.clock.advance(100 + 400);
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${access}` })).status, 401);
  });
});

describe('leeway setting', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ leeway: 30 });
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('a token just past exp is accepted within the leeway and refused after it', async () => {
    const { access, refresh } = await server.login();
    server.clock.advance(300 + 20);
    const inside = await server.get('/api/user/', { authorization: `Bearer ${access}` });
    assert.equal(inside.status, 200, JSON.stringify(inside.json));
    const verify = await server.post('/api/token/verify/', { token: access });
    assert.equal(verify.status, 200, JSON.stringify(verify.json));
    server.clock.advance(11);
    const outside = await server.get('/api/user/', { authorization: `Bearer ${access}` });
    assert.equal(outside.status, 401);
    assert.deepEqual(outside.json, SEED_000_EXPIRED);
    server.clock.advance(86400 - 331 + 20);
    const lateRefresh = await server.post('/api/token/refresh/', { refresh });
    assert.equal(lateRefresh.status, 200, JSON.stringify(lateRefresh.json));
    server.clock.advance(11);
    assert.equal((await server.post('/api/token/refresh/', { refresh })).status, 401);
  });
});

describe('rotation with blacklist after rotation', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true });
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('refresh answers access + a successor; the old refresh is blacklisted; the successor works', async () => {
    const { refresh } = await server.login();
    server.clock.advance(5);
    const first = await server.post('/api/token/refresh/', { refresh });
    assert.equal(first.status, 200);
    assert.deepEqual(Object.keys(first.json).sort(), ['access', 'refresh']);
    const successor = decodeJwt(first.json.refresh).claims;
    const now = Math.floor(server.clock.now / 1000);
    assert.equal(successor.token_type, 'refresh');
    assert.equal(successor.user_id, 1);
    assert.equal(successor.iat, now);
    assert.equal(successor.exp, now + 86400);
    assert.notEqual(successor.jti, decodeJwt(refresh).claims.jti);

    // Within the grace window a retry gets the successor already issued (see token-families.test.ts
    // for reuse after the window).
    const again = await server.post('/api/token/refresh/', { refresh });
    assert.equal(again.status, 200);
    assert.equal(again.json.refresh, first.json.refresh);

    const next = await server.post('/api/token/refresh/', { refresh: first.json.refresh });
    assert.equal(next.status, 200);
    assert.ok(next.json.refresh);

    const verify = await server.post('/api/token/verify/', { token: refresh });
    assert.equal(verify.status, 400);
    assert.deepEqual(verify.json, { non_field_errors: ['Token is blacklisted'] });
  });

  test('the successor is recorded as outstanding and the old token as blacklisted', async () => {
    const { refresh } = await server.login();
    const rotated = await server.post('/api/token/refresh/', { refresh });
    assert.equal(rotated.status, 200);
    const db = server.store.database.db;
    const oldJti = String(decodeJwt(refresh).claims.jti);
    const newJti = String(decodeJwt(rotated.json.refresh).claims.jti);
    const rows = await db.selectFrom('token_blacklist_outstandingtoken').selectAll().where('jti', 'in', [oldJti, newJti]).execute();
    assert.equal(rows.length, 2);
    for (const row of rows) assert.equal(row.user_id, 1);
    const old = rows.find((r) => r.jti === oldJti)!;
    const black = await db.selectFrom('token_blacklist_blacklistedtoken').selectAll().where('token_id', '=', old.id).execute();
    assert.equal(black.length, 1);
    assert.equal(await server.store.tokens.isBlacklisted(newJti), false);
    assert.equal(await server.store.tokens.isBlacklisted(oldJti), true);
  });

  test('10 concurrent refreshes of one token: all 200 within the grace window, exactly one distinct successor, no 500', async () => {
    const { refresh } = await server.login();
    const before = await server.store.tokens.countOutstanding();
    const answers = await Promise.all(Array.from({ length: 10 }, () => server.post('/api/token/refresh/', { refresh })));
    const statuses = answers.map((a) => a.status);
    assert.ok(statuses.every((s) => s === 200), statuses.join(','));
    assert.equal(new Set(answers.map((a) => a.json.refresh)).size, 1, 'one successor');
    assert.equal(await server.store.tokens.countOutstanding(), before + 1);
    const winner = answers[0]!;
    assert.equal((await server.post('/api/token/refresh/', { refresh: winner.json.refresh })).status, 200);
  });
});

describe('rotation without blacklist after rotation', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ rotateRefreshTokens: true, blacklistAfterRotation: false });
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('the old refresh keeps working and the successor is recorded', async () => {
    const { refresh } = await server.login();
    const first = await server.post('/api/token/refresh/', { refresh });
    assert.equal(first.status, 200);
    assert.ok(first.json.refresh);
    const second = await server.post('/api/token/refresh/', { refresh });
    assert.equal(second.status, 200);
    assert.notEqual(second.json.refresh, first.json.refresh);
    const jti = String(decodeJwt(first.json.refresh).claims.jti);
    const row = await server.store.database.db.selectFrom('token_blacklist_outstandingtoken').selectAll().where('jti', '=', jti).executeTakeFirst();
    assert.ok(row);
    assert.equal(await server.store.tokens.isBlacklisted(String(decodeJwt(refresh).claims.jti)), false);
  });
});

describe('refresh for a user who is gone or deactivated (Simple JWT 5.3)', () => {
  let server: TestServer;
  before(async () => {
    // These tests change users behind the server's back (straight in the database), so no user is remembered.
    server = await startServer({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true, userCacheTtl: 0 });
    await server.createUser('shoumitro', 'Ab12345678');
    await server.createUser('leaver', 'Ab12345678');
  });
  after(() => server.close());

  const NO_ACTIVE = { detail: 'No active account found for the given token.', code: 'no_active_account' };

  test('deactivated user: 401 no_active_account, and the token is not rotated', async () => {
    const { refresh } = await server.login();
    await server.store.database.db.updateTable('auth_user').set({ is_active: 0 }).where('username', '=', 'shoumitro').execute();
    const answer = await server.post('/api/token/refresh/', { refresh });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, NO_ACTIVE);
    assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.equal(await server.store.tokens.isBlacklisted(String(decodeJwt(refresh).claims.jti)), false);
    await server.store.database.db.updateTable('auth_user').set({ is_active: 1 }).where('username', '=', 'shoumitro').execute();
    assert.equal((await server.post('/api/token/refresh/', { refresh })).status, 200);
  });

  test('a token blacklisted in the database only: "blacklisted" first, even for a deactivated user; nothing rotated', async () => {
    const { refresh } = await server.login();
    const claims = decodeJwt(refresh).claims;
    // Through the repository: the database knows, this process's memory does not.
    await server.store.tokens.blacklist(
      { jti: String(claims.jti), token: refresh, userId: 1, createdAt: null, expiresAt: new Date(Number(claims.exp) * 1000) }, new Date(server.clock.now));
    const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
    const outstanding = await server.store.tokens.countOutstanding();
    await server.store.database.db.updateTable('auth_user').set({ is_active: 0 }).where('username', '=', 'shoumitro').execute();
    try {
      const inactive = await server.post('/api/token/refresh/', { refresh });
      assert.equal(inactive.status, 401);
      assert.deepEqual(inactive.json, BLACKLISTED);
    } finally {
      await server.store.database.db.updateTable('auth_user').set({ is_active: 1 }).where('username', '=', 'shoumitro').execute();
    }
    const active = await server.post('/api/token/refresh/', { refresh });
    assert.equal(active.status, 401);
    assert.deepEqual(active.json, BLACKLISTED);
    assert.equal(await server.store.tokens.countOutstanding(), outstanding);
  });

  test('deleted user: 401 no_active_account', async () => {
    const { refresh } = await server.login('leaver', 'Ab12345678');
    await server.store.database.db.deleteFrom('auth_user').where('username', '=', 'leaver').execute();
    const answer = await server.post('/api/token/refresh/', { refresh });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, NO_ACTIVE);
  });
});

describe('refresh reads the user as Bearer authentication does (userCacheTtl)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ rotateRefreshTokens: true, blacklistAfterRotation: true, userCacheTtl: 60 });
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('a deactivation made through the process refuses the next refresh at once, the user read a moment before notwithstanding', async () => {
    const first = await server.login();
    assert.equal((await server.post('/api/token/refresh/', { refresh: first.refresh })).status, 200);
    const second = await server.login();
    const user = await server.store.users.findByUsername('shoumitro');
    await server.store.users.setActive(user!.id, false);
    try {
      const answer = await server.post('/api/token/refresh/', { refresh: second.refresh });
      assert.equal(answer.status, 401);
      assert.equal(answer.json.code, 'no_active_account');
    } finally {
      await server.store.users.setActive(user!.id, true);
    }
  });

  test('a change made behind the process (straight in the database) is seen once the remembered user is older than userCacheTtl', async () => {
    const { refresh } = await server.login();
    assert.equal((await server.post('/api/token/refresh/', { refresh: (await server.login()).refresh })).status, 200);
    await server.store.database.db.updateTable('auth_user').set({ is_active: 0 }).where('username', '=', 'shoumitro').execute();
    try {
      // Within the 60 s the user read a moment ago still answers: the documented staleness.
      const remembered = await server.post('/api/token/refresh/', { refresh });
      assert.equal(remembered.status, 200);
    } finally {
      await server.store.database.db.updateTable('auth_user').set({ is_active: 1 }).where('username', '=', 'shoumitro').execute();
    }
  });
});
