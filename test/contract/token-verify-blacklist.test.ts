import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, startServer, startSignedIn, type Login, type TestServer } from '../support/server.js';

const INVALID = { detail: 'Token is invalid or expired', code: 'token_not_valid' };

describe('POST /api/token/verify/', () => {
  let server: TestServer;
  let pair: Login;
  before(async () => {
    ({ server, ...pair } = await startSignedIn());
  });
  after(() => server.close());

  test('a valid access token and a valid refresh token both answer 200 {}', async () => {
    for (const token of [pair.access, pair.refresh]) {
      const answer = await server.post('/api/token/verify/', { token });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, {});
      assert.equal(answer.text, '{}');
      assert.equal(answer.headers.get('allow'), 'POST, OPTIONS');
      assert.equal(answer.headers.get('www-authenticate'), null);
    }
  });

  test('garbage, a truncated token and a token with a bad signature answer 401 invalid', async () => {
    const [h, p, s] = pair.access.split('.');
    const flipped = `${s!.slice(0, -2)}${s!.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const token of ['abc', 'a.b.c', `${h}.${p}`, `${h}.${p}.${flipped}`, `${pair.access}x`, '...']) {
      const answer = await server.post('/api/token/verify/', { token });
      assert.equal(answer.status, 401, token);
      assert.deepEqual(answer.json, INVALID, token);
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
    }
  });

  test('missing, null and blank token fields are 400 field errors', async () => {
    const cases: [unknown, unknown][] = [
      [{}, { token: ['This field is required.'] }],
      [{ token: null }, { token: ['This field may not be null.'] }],
      [{ token: '' }, { token: ['This field may not be blank.'] }],
      [{ token: '   ' }, { token: ['This field may not be blank.'] }],
      [{ token: ['x'] }, { token: ['Not a valid string.'] }],
      [{ access: pair.access }, { token: ['This field is required.'] }],
    ];
    for (const [body, expected] of cases) {
      const answer = await server.post('/api/token/verify/', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.deepEqual(answer.json, expected);
    }
  });

  test('surrounding whitespace is trimmed, as DRF CharField does', async () => {
    const answer = await server.post('/api/token/verify/', { token: `  ${pair.access}\n` });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, {});
  });

  test('an expired access token is invalid; the refresh token still verifies', async () => {
    server.clock.advance(301);
    const access = await server.post('/api/token/verify/', { token: pair.access });
    assert.equal(access.status, 401);
    assert.deepEqual(access.json, INVALID);
    const refresh = await server.post('/api/token/verify/', { token: pair.refresh });
    assert.equal(refresh.status, 200);
    server.clock.advance(86400);
    assert.deepEqual((await server.post('/api/token/verify/', { token: pair.refresh })).json, INVALID);
  });
});

describe('POST /api/token/blacklist/', () => {
  let server: TestServer;
  before(async () => {
    // As the seeds' Django project (BLACKLIST_AFTER_ROTATION on): verify then asks the blacklist.
    server = await startServer({ blacklistAfterRotation: true });
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('blacklisting answers {}, then verify is 400 non_field_errors and refresh is 401 blacklisted', async () => {
    const { refresh } = await server.login();
    const answer = await server.post('/api/token/blacklist/', { refresh });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, {});
    assert.equal(answer.headers.get('allow'), 'POST, OPTIONS');

    const verify = await server.post('/api/token/verify/', { token: refresh });
    assert.equal(verify.status, 400);
    assert.deepEqual(verify.json, { non_field_errors: ['Token is blacklisted'] });
    assert.equal(verify.headers.get('www-authenticate'), null);

    const renewed = await server.post('/api/token/refresh/', { refresh });
    assert.equal(renewed.status, 401);
    assert.deepEqual(renewed.json, { detail: 'Token is blacklisted', code: 'token_not_valid' });
  });

  test('without BLACKLIST_AFTER_ROTATION verify does not ask the blacklist (Simple JWT 5.2), refresh still does', async () => {
    const { server: plain, refresh } = await startSignedIn();
    try {
      assert.equal((await plain.post('/api/token/blacklist/', { refresh })).status, 200);
      const verify = await plain.post('/api/token/verify/', { token: refresh });
      assert.equal(verify.status, 200);
      assert.deepEqual(verify.json, {});
      assert.equal((await plain.post('/api/token/refresh/', { refresh })).status, 401);
    } finally {
      await plain.close();
    }
  });

  test('blacklisting twice: the second answers 401 blacklisted', async () => {
    const { refresh } = await server.login();
    assert.equal((await server.post('/api/token/blacklist/', { refresh })).status, 200);
    const second = await server.post('/api/token/blacklist/', { refresh });
    assert.equal(second.status, 401);
    assert.deepEqual(second.json, { detail: 'Token is blacklisted', code: 'token_not_valid' });
    assert.equal(second.headers.get('www-authenticate'), 'Bearer realm="api"');
  });

  test('an access token cannot be blacklisted: wrong type', async () => {
    const { access } = await server.login();
    const answer = await server.post('/api/token/blacklist/', { refresh: access });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Token has wrong type', code: 'token_not_valid' });
  });

  test('garbage and missing fields', async () => {
    let answer = await server.post('/api/token/blacklist/', { refresh: 'garbage' });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, INVALID);
    answer = await server.post('/api/token/blacklist/', {});
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, { refresh: ['This field is required.'] });
    answer = await server.post('/api/token/blacklist/', { token: 'x' });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, { refresh: ['This field is required.'] });
  });

  test('blacklisting does not touch other tokens of the same user, and access tokens still work', async () => {
    const a = await server.login();
    const b = await server.login();
    assert.equal((await server.post('/api/token/blacklist/', { refresh: a.refresh })).status, 200);
    assert.equal((await server.post('/api/token/refresh/', { refresh: b.refresh })).status, 200);
    // Simple JWT's blacklist only covers refresh tokens: the access token lives out its 5 minutes.
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${a.access}` })).status, 200);
    assert.equal((await server.post('/api/token/verify/', { token: a.access })).status, 200);
  });

  test('outstanding and blacklisted rows are in Django\'s tables', async () => {
    const db = server.store.database.db;
    const { refresh } = await server.login();
    const { jti, exp } = decodeJwt(refresh).claims;
    const outstanding = await db.selectFrom('token_blacklist_outstandingtoken').selectAll().where('jti', '=', String(jti)).executeTakeFirst();
    assert.ok(outstanding, 'issued refresh token is outstanding');
    assert.equal(outstanding.user_id, 1);
    assert.equal(outstanding.token, refresh);
    assert.equal(new Date(outstanding.expires_at).getTime(), Number(exp) * 1000);
    assert.equal(new Date(outstanding.created_at!).getTime(), server.clock.now);
    const before = await db.selectFrom('token_blacklist_blacklistedtoken').selectAll().where('token_id', '=', outstanding.id).execute();
    assert.equal(before.length, 0);

    assert.equal((await server.post('/api/token/blacklist/', { refresh })).status, 200);
    const after = await db.selectFrom('token_blacklist_blacklistedtoken').selectAll().where('token_id', '=', outstanding.id).execute();
    assert.equal(after.length, 1);
    assert.equal(new Date(after[0]!.blacklisted_at).getTime(), server.clock.now);
    assert.equal(await server.store.tokens.isBlacklisted(String(jti)), true);
  });

  test('access tokens are never recorded as outstanding', async () => {
    const { access } = await server.login();
    const { jti } = decodeJwt(access).claims;
    const row = await server.store.database.db.selectFrom('token_blacklist_outstandingtoken').selectAll().where('jti', '=', String(jti)).executeTakeFirst();
    assert.equal(row, undefined);
  });

  test('concurrent blacklists of one token: exactly one 200', async () => {
    const { refresh } = await server.login();
    const answers = await Promise.all(Array.from({ length: 8 }, () => server.post('/api/token/blacklist/', { refresh })));
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
    assert.ok(statuses.every((s) => s === 200 || s === 401), statuses.join(','));
  });
});
