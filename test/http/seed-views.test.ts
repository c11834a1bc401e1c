import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

const SEED_HEADERS = {
  'content-type': 'application/json',
  'www-authenticate': null,
  vary: 'Accept',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

function assertHeaders(answer: { headers: Headers }, expected: Record<string, string | null>): void {
  for (const [name, value] of Object.entries(expected)) assert.equal(answer.headers.get(name), value, name);
}

describe('seed 000: the curl session, step by step', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('401, token, user, expiry, refresh, user again', async () => {
    const anonymous = await server.get('/api/user/', { accept: 'application/json' });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.text, '{"detail":"Authentication credentials were not provided."}');
    assertHeaders(anonymous, { ...SEED_HEADERS, 'www-authenticate': 'Bearer realm="api"', allow: 'GET, HEAD, OPTIONS' });

    const pair = await server.post('/api/token/', '{"username": "shoumitro", "password": "Ab12345678"}', { accept: 'application/json; indent=4' });
    assert.equal(pair.status, 200);
    assertHeaders(pair, { ...SEED_HEADERS, allow: 'POST, OPTIONS' });
    assert.deepEqual(Object.keys(pair.json), ['refresh', 'access']);

    const me = await server.get('/api/user/', { accept: 'application/json', authorization: `Bearer ${pair.json.access}` });
    assert.equal(me.status, 200);
    assert.equal(me.text, '{"id":1,"username":"shoumitro"}');
    assertHeaders(me, { ...SEED_HEADERS, allow: 'GET, HEAD, OPTIONS' });

    server.clock.advance(6 * 60);
    const expired = await server.get('/api/user/', { accept: 'application/json', authorization: `Bearer ${pair.json.access}` });
    assert.equal(expired.status, 401);
    assert.equal(expired.text, '{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"Token is invalid or expired"}]}');
    assertHeaders(expired, { ...SEED_HEADERS, 'www-authenticate': 'Bearer realm="api"', allow: 'GET, HEAD, OPTIONS' });

    server.clock.advance(10 * 60);
    const renewed = await server.post('/api/token/refresh/', `{"refresh":  "${pair.json.refresh}"}`, { accept: 'application/json' });
    assert.equal(renewed.status, 200);
    assert.deepEqual(Object.keys(renewed.json), ['access']);
    assertHeaders(renewed, { ...SEED_HEADERS, allow: 'POST, OPTIONS' });

    server.clock.advance(2 * 60);
    const again = await server.get('/api/user/', { accept: 'application/json', authorization: `Bearer ${renewed.json.access}` });
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, { id: 1, username: 'shoumitro' });
  });
});

describe('seed 002: LoginView and RestrictedView', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await server.createUser('admin', 'Sup3rSecret!');
  });
  after(() => server.close());

  test('login answers a pair whose access token carries Simple JWT\'s claims', async () => {
    const answer = await server.post('/api/login', { username: 'admin', password: 'Sup3rSecret!' });
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.json).sort(), ['access', 'refresh']);
    const { header, claims } = decodeJwt(answer.json.access);
    assert.deepEqual(header, { alg: 'HS256', typ: 'JWT' });
    assert.deepEqual(Object.keys(claims), ['token_type', 'exp', 'iat', 'jti', 'user_id', 'auth_time']);
    assert.equal(claims.token_type, 'access');
    assert.equal(Number(claims.exp) - Number(claims.iat), 300);
    assert.equal(claims.user_id, 1);
    assert.equal(decodeJwt(answer.json.refresh).claims.token_type, 'refresh');
  });

  test('restricted: not provided without a token, allowed with one, invalid with a bad one', async () => {
    const anonymous = await server.get('/api/restricted');
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.json, { detail: 'Authentication credentials were not provided.' });
    const { access } = (await server.post('/api/login', { username: 'admin', password: 'Sup3rSecret!' })).json;
    const allowed = await server.get('/api/restricted', { authorization: `Bearer ${access}` });
    assert.equal(allowed.status, 200);
    assert.deepEqual(allowed.json, { response: 'YOU ARE ALLOWED HERE' });
    assert.equal((await server.get('/api/restricted/', { authorization: `Bearer ${access}` })).status, 200);
    const bad = await server.get('/api/restricted', { authorization: `Bearer ${access.slice(0, -3)}xyz` });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.json, {
      detail: 'Given token not valid for any token type', code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' }],
    });
  });

  test('login with wrong credentials is a 401, never a pair (the seed\'s missing check)', async () => {
    const answer = await server.post('/api/login', { username: 'admin', password: 'nope' });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'No active account found with the given credentials' });
    const missing = await server.post('/api/login', {});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, { username: ['This field is required.'], password: ['This field is required.'] });
  });

  test('login also takes a form body (Postman form-data / x-www-form-urlencoded)', async () => {
    const form = await server.request('POST', '/api/login', { body: new URLSearchParams({ username: 'admin', password: 'Sup3rSecret!' }) });
    assert.equal(form.status, 200);
    const data = new FormData();
    data.set('username', 'admin');
    data.set('password', 'Sup3rSecret!');
    const multipart = await server.request('POST', '/api/login', { body: data });
    assert.equal(multipart.status, 200);
    assert.ok(multipart.json.access);
  });
});

describe('seed 004: /gettoken/, /refreshtoken/, /verifytoken/ with httpie -f bodies', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await server.createUser('user1', '#beta123');
  });
  after(() => server.close());

  const form = (fields: Record<string, string>) => ({ body: new URLSearchParams(fields) });

  test('get, verify within 5 minutes, verify after, refresh, use', async () => {
    const pair = await server.request('POST', '/gettoken/', form({ username: 'user1', password: '#beta123' }));
    assert.equal(pair.status, 200);
    assertHeaders(pair, { ...SEED_HEADERS, allow: 'POST, OPTIONS' });
    const { access, refresh } = pair.json;

    server.clock.advance(190);
    const ok = await server.request('POST', '/verifytoken/', form({ token: access }));
    assert.equal(ok.status, 200);
    assert.equal(ok.text, '{}');
    assertHeaders(ok, { ...SEED_HEADERS, allow: 'POST, OPTIONS' });

    server.clock.advance(288);
    const late = await server.request('POST', '/verifytoken/', form({ token: access }));
    assert.equal(late.status, 401);
    assert.deepEqual(late.json, { code: 'token_not_valid', detail: 'Token is invalid or expired' });
    assertHeaders(late, { ...SEED_HEADERS, 'www-authenticate': 'Bearer realm="api"', allow: 'POST, OPTIONS' });

    server.clock.advance(222);
    const renewed = await server.request('POST', '/refreshtoken/', form({ refresh }));
    assert.equal(renewed.status, 200);
    assert.deepEqual(Object.keys(renewed.json), ['access']);
    const claims = decodeJwt(renewed.json.access).claims;
    // As in the seed: the new access token keeps the refresh token's iat and lives 300 s from now.
    assert.equal(claims.iat, decodeJwt(refresh).claims.iat);
    assert.equal(claims.exp, Math.floor(server.clock.now / 1000) + 300);

    const list = await server.get('/studentapi/', { authorization: `Bearer ${renewed.json.access}` });
    assert.equal(list.status, 200);
    assert.deepEqual(list.json, []);
  });

  test('aliases answer errors as the main routes do', async () => {
    const wrong = await server.request('POST', '/gettoken/', form({ username: 'user1', password: 'bad' }));
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.json, { detail: 'No active account found with the given credentials' });
    const blank = await server.request('POST', '/refreshtoken/', form({ refresh: '' }));
    assert.equal(blank.status, 400);
    assert.deepEqual(blank.json, { refresh: ['This field may not be blank.'] });
    const garbage = await server.request('POST', '/verifytoken/', form({ token: 'abc' }));
    assert.equal(garbage.status, 401);
    assert.deepEqual(garbage.json, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
    const missing = await server.request('POST', '/gettoken/', form({}));
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, { username: ['This field is required.'], password: ['This field is required.'] });
  });

  test('a repeated form key keeps its last value, as Django\'s QueryDict does', async () => {
    const body = 'username=nobody&username=user1&password=%23beta123';
    const answer = await server.request('POST', '/gettoken/', { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(answer.status, 200);
  });

  test('the aliases share one blacklist with the /api/token/ routes', async () => {
    const { refresh } = (await server.request('POST', '/gettoken/', form({ username: 'user1', password: '#beta123' }))).json;
    assert.equal((await server.post('/api/token/blacklist/', { refresh })).status, 200);
    const answer = await server.request('POST', '/refreshtoken/', form({ refresh }));
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Token is blacklisted', code: 'token_not_valid' });
  });
});

describe('custom claims (seed 003\'s is_admin)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ rotateRefreshTokens: true }, { customClaims: (u) => ({ is_admin: u.isStaff }) });
    await server.createUser('boss', 'Ab12345678', { isStaff: true });
    await server.createUser('worker', 'Ab12345678');
  });
  after(() => server.close());

  test('is_admin is in both tokens, true for staff and false otherwise, and survives refresh', async () => {
    const boss = await server.login('boss', 'Ab12345678');
    assert.equal(decodeJwt(boss.access).claims.is_admin, true);
    assert.equal(decodeJwt(boss.refresh).claims.is_admin, true);
    const worker = await server.login('worker', 'Ab12345678');
    assert.equal(decodeJwt(worker.access).claims.is_admin, false);
    assert.equal(decodeJwt(worker.refresh).claims.is_admin, false);

    const renewed = await server.post('/api/token/refresh/', { refresh: boss.refresh });
    assert.equal(renewed.status, 200);
    assert.equal(decodeJwt(renewed.json.access).claims.is_admin, true);
    assert.equal(decodeJwt(renewed.json.refresh).claims.is_admin, true);
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${boss.access}` })).status, 200);
  });

  test('the seed 002 login view adds them too (RefreshToken.for_user)', async () => {
    const answer = await server.post('/api/login', { username: 'boss', password: 'Ab12345678' });
    assert.equal(answer.status, 200);
    assert.equal(decodeJwt(answer.json.access).claims.is_admin, true);
  });
});
