import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadSettings, SettingsError } from '../../src/settings/index.js';
import { SlidingToken } from '../../src/tokens/index.js';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

const CREDENTIALS = { username: 'slider', password: 'Ab12345678' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('sliding token settings', () => {
  test('Simple JWT\'s defaults, and the token classes', () => {
    const settings = loadSettings({ cwd: '/nonexistent' });
    assert.equal(settings.slidingTokenLifetime, 5 * 60);
    assert.equal(settings.slidingTokenRefreshLifetime, 24 * 60 * 60);
    assert.deepEqual(settings.authTokenClasses, ['access']);
    const env = loadSettings({ cwd: '/nonexistent', env: { TESSERA_AUTH_TOKEN_CLASSES: 'sliding, access', TESSERA_SLIDING_TOKEN_LIFETIME: '60' } });
    assert.deepEqual(env.authTokenClasses, ['sliding', 'access']);
    assert.equal(env.slidingTokenLifetime, 60);
    assert.throws(() => loadSettings({ cwd: '/nonexistent', overrides: { authTokenClasses: ['refresh' as never] } }), SettingsError);
    assert.throws(() => loadSettings({ cwd: '/nonexistent', overrides: { authTokenClasses: [] } }), SettingsError);
    assert.throws(() => loadSettings({ cwd: '/nonexistent', overrides: { slidingTokenRefreshLifetime: 0 } }), SettingsError);
  });
});

describe('sliding tokens off (the default)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await server.createUser(CREDENTIALS.username, CREDENTIALS.password);
  });
  after(() => server.close());

  test('the sliding views are not served and a sliding token does not authenticate', async () => {
    assert.equal((await server.post('/api/token/sliding/', CREDENTIALS)).status, 404);
    assert.equal((await server.post('/api/token/sliding/refresh/', { token: 'x' })).status, 404);
    const sliding = await SlidingToken.forUser(server.tessera.tokenContext, (await server.store.users.findByUsername('slider'))!);
    const answer = await server.get('/api/user/', bearer(sliding.toString()));
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json.messages, [{ token_class: 'AccessToken', token_type: 'access', message: 'Token has wrong type' }]);
  });
});

describe('sliding tokens on', () => {
  let server: TestServer;
  let userId: number;
  before(async () => {
    server = await startServer({ authTokenClasses: ['access', 'sliding'], slidingTokenLifetime: 300, slidingTokenRefreshLifetime: 600 });
    userId = (await server.createUser(CREDENTIALS.username, CREDENTIALS.password)).id;
  });
  after(() => server.close());

  const obtain = async () => {
    const answer = await server.post('/api/token/sliding/', CREDENTIALS);
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(Object.keys(answer.json), ['token']);
    return answer.json.token as string;
  };
  const now = () => Math.floor(server.clock.now / 1000);

  test('POST /api/token/sliding/ answers {"token"} with Simple JWT\'s claims', async () => {
    const token = await obtain();
    const { claims } = decodeJwt(token);
    assert.deepEqual(Object.keys(claims), ['token_type', 'exp', 'iat', 'jti', 'refresh_exp', 'user_id', 'auth_time']);
    assert.equal(claims.token_type, 'sliding');
    assert.equal(claims.auth_time, now());
    assert.equal(claims.exp, now() + 300);
    assert.equal(claims.refresh_exp, now() + 600);
    assert.equal(claims.iat, now());
    assert.equal(claims.user_id, userId);
    assert.match(String(claims.jti), /^[0-9a-f]{32}$/);
    // Recorded as outstanding (BlacklistMixin.for_user), on either engine.
    const row = await server.store.database.db.selectFrom('token_blacklist_outstandingtoken').select(['jti', 'user_id'])
      .where('jti', '=', String(claims.jti)).executeTakeFirst();
    assert.deepEqual(row, { jti: claims.jti, user_id: userId });
  });

  test('bad credentials and bad input answer as the pair view does', async () => {
    const wrong = await server.post('/api/token/sliding/', { username: 'slider', password: 'nope' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.json, { detail: 'No active account found with the given credentials' });
    const missing = await server.post('/api/token/sliding/', {});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, { username: ['This field is required.'], password: ['This field is required.'] });
    const noToken = await server.post('/api/token/sliding/refresh/', { token: '' });
    assert.deepEqual([noToken.status, noToken.json], [400, { token: ['This field may not be blank.'] }]);
  });

  test('a sliding token authenticates, and so does an access token', async () => {
    const token = await obtain();
    const answer = await server.get('/api/user/', bearer(token));
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.json, { id: userId, username: 'slider' });
    const { access } = await server.login(CREDENTIALS.username, CREDENTIALS.password);
    assert.equal((await server.get('/api/user/', bearer(access))).status, 200);
  });

  test('a refused token lists every class tried, in order', async () => {
    const answer = await server.get('/api/user/', bearer('not.a.token'));
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, {
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [
        { token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' },
        { token_class: 'SlidingToken', token_type: 'sliding', message: 'Token is invalid or expired' },
      ],
    });
    const { refresh } = await server.login(CREDENTIALS.username, CREDENTIALS.password);
    const asRefresh = await server.get('/api/user/', bearer(refresh));
    assert.deepEqual(asRefresh.json.messages.map((m: { message: string }) => m.message), ['Token has wrong type', 'Token has wrong type']);
  });

  test('refresh renews exp and iat from now and keeps refresh_exp and jti', async () => {
    const token = await obtain();
    const before = decodeJwt(token).claims;
    server.clock.advance(200);
    const answer = await server.post('/api/token/sliding/refresh/', { token });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(Object.keys(answer.json), ['token']);
    const after = decodeJwt(answer.json.token).claims;
    assert.equal(after.exp, now() + 300);
    assert.equal(after.iat, now());
    assert.equal(after.refresh_exp, before.refresh_exp);
    assert.equal(after.jti, before.jti);
    assert.equal(after.token_type, 'sliding');
    // Past the first token's exp, the refreshed one still works.
    server.clock.advance(150);
    assert.equal((await server.get('/api/user/', bearer(token))).status, 401);
    assert.equal((await server.get('/api/user/', bearer(answer.json.token))).status, 200);
  });

  test('an expired sliding token cannot be refreshed: Simple JWT decodes it first', async () => {
    const token = await obtain();
    server.clock.advance(300);
    const answer = await server.post('/api/token/sliding/refresh/', { token });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
  });

  test('after refresh_exp: "Token \'refresh_exp\' claim has expired", though the token still authenticates', async () => {
    let token = await obtain();
    server.clock.advance(290);
    token = (await server.post('/api/token/sliding/refresh/', { token })).json.token;
    server.clock.advance(290);
    token = (await server.post('/api/token/sliding/refresh/', { token })).json.token;
    assert.equal(decodeJwt(token).claims.exp, now() + 300);
    server.clock.advance(100); // 680 s after login: past refresh_exp (600), before exp (880)
    const answer = await server.post('/api/token/sliding/refresh/', { token });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: "Token 'refresh_exp' claim has expired", code: 'token_not_valid' });
    assert.equal((await server.get('/api/user/', bearer(token))).status, 200);
  });

  test('types do not mix: sliding is not refresh, refresh and access are not sliding; verify takes any', async () => {
    const token = await obtain();
    const { refresh, access } = await server.login(CREDENTIALS.username, CREDENTIALS.password);
    const asRefresh = await server.post('/api/token/refresh/', { refresh: token });
    assert.deepEqual([asRefresh.status, asRefresh.json], [401, { detail: 'Token has wrong type', code: 'token_not_valid' }]);
    for (const other of [refresh, access]) {
      const answer = await server.post('/api/token/sliding/refresh/', { token: other });
      assert.deepEqual([answer.status, answer.json], [401, { detail: 'Token has wrong type', code: 'token_not_valid' }]);
    }
    const verified = await server.post('/api/token/verify/', { token });
    assert.deepEqual([verified.status, verified.json], [200, {}]);
  });

  test('a blacklisted sliding token is refused everywhere, refreshed copies too (BlacklistMixin)', async () => {
    const token = await obtain();
    const refreshed = (await server.post('/api/token/sliding/refresh/', { token })).json.token as string;
    const sliding = await SlidingToken.fromString(server.tessera.tokenContext, token);
    assert.equal(await sliding.blacklist(), true);
    assert.equal(await sliding.blacklist(), false);
    for (const copy of [token, refreshed]) {
      const answer = await server.get('/api/user/', bearer(copy));
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.json.messages, [
        { token_class: 'AccessToken', token_type: 'access', message: 'Token has wrong type' },
        { token_class: 'SlidingToken', token_type: 'sliding', message: 'Token is blacklisted' },
      ]);
      const again = await server.post('/api/token/sliding/refresh/', { token: copy });
      assert.deepEqual([again.status, again.json], [401, { detail: 'Token is blacklisted', code: 'token_not_valid' }]);
    }
    // Another login's token is untouched.
    assert.equal((await server.get('/api/user/', bearer(await obtain()))).status, 200);
  });
});

describe('sliding tokens only', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authTokenClasses: ['sliding'] });
    await server.createUser(CREDENTIALS.username, CREDENTIALS.password);
  });
  after(() => server.close());

  test('an access token is then refused, naming only SlidingToken', async () => {
    const { access } = await server.login(CREDENTIALS.username, CREDENTIALS.password);
    const answer = await server.get('/api/user/', bearer(access));
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json.messages, [{ token_class: 'SlidingToken', token_type: 'sliding', message: 'Token has wrong type' }]);
    const { token } = (await server.post('/api/token/sliding/', CREDENTIALS)).json;
    assert.equal((await server.get('/api/user/', bearer(token))).status, 200);
  });
});
