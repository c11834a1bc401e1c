import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

describe('POST /api/token/ (seed 000)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('answers a refresh + access pair with Simple JWT claims and headers', async () => {
    const answer = await server.post('/api/token/', { username: 'shoumitro', password: 'Ab12345678' });
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.json), ['refresh', 'access']);
    assert.equal(answer.headers.get('allow'), 'POST, OPTIONS');
    assert.equal(answer.headers.get('content-type'), 'application/json');
    for (const [name, value] of Object.entries({
      'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin',
      'cross-origin-opener-policy': 'same-origin', vary: 'Accept',
    })) assert.equal(answer.headers.get(name), value, name);

    const refresh = decodeJwt(answer.json.refresh);
    const access = decodeJwt(answer.json.access);
    assert.deepEqual(refresh.header, { alg: 'HS256', typ: 'JWT' });
    // Simple JWT's claims, then OpenID Connect's `auth_time` (the login), which `Fresh` reads.
    assert.deepEqual(Object.keys(refresh.claims), ['token_type', 'exp', 'iat', 'jti', 'user_id', 'auth_time']);
    assert.deepEqual(Object.keys(access.claims), ['token_type', 'exp', 'iat', 'jti', 'user_id', 'auth_time']);
    const now = Math.floor(server.clock.now / 1000);
    assert.equal(access.claims.auth_time, now);
    assert.equal(refresh.claims.auth_time, now);
    assert.equal(access.claims.token_type, 'access');
    assert.equal(access.claims.exp, now + 300);
    assert.equal(refresh.claims.exp, now + 86400);
    assert.equal(access.claims.iat, now);
    assert.match(String(access.claims.jti), /^[0-9a-f]{32}$/);
    assert.notEqual(access.claims.jti, refresh.claims.jti);
    assert.equal(access.claims.user_id, 1);
  });

  test('wrong password and unknown user get the same 401', async () => {
    for (const body of [{ username: 'shoumitro', password: 'nope' }, { username: 'ghost', password: 'Ab12345678' }]) {
      const answer = await server.post('/api/token/', body);
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.json, { detail: 'No active account found with the given credentials' });
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
    }
  });
});
