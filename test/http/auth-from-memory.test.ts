import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Authenticator } from '../../src/auth/index.js';
import { startServer, startSignedIn, type TestServer } from '../support/server.js';

/**
 * Route guards accept the common request from memory (`authenticateNow`: a token verified before,
 * its user read a moment ago) without the promise chain; everything else, refusals included, is
 * still decided by `authenticate`. These tests pin both halves.
 */
describe('authentication from memory (authenticateNow) and its fallback', () => {
  let server: TestServer;
  let jwt: Authenticator;
  before(async () => {
    server = await startServer({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true });
    await server.createUser('shoumitro', 'Ab12345678');
    await server.createUser('other', 'Ab12345678');
    jwt = server.tessera.authenticationClasses.get('jwt')!;
  });
  after(() => server.close());

  const now = (token: string) => jwt.authenticateNow!({ headers: { authorization: `Bearer ${token}` }, method: 'GET' } as never);

  test('a user not read yet is left to authenticate; once a request read it, the same token is accepted from memory', async () => {
    const { access } = await server.login();
    const user = await server.store.users.findByUsername('shoumitro');
    await server.store.users.setUsername(user!.id, 'shoumitro'); // a write through the process: forgets the user
    assert.equal(now(access), undefined);
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${access}` })).status, 200);
    const accepted = now(access);
    assert.equal(accepted?.user.username, 'shoumitro');
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${access}` })).json.username, 'shoumitro');
  });

  test('refusals are never decided from memory: expired, refresh token as Bearer, garbage, other schemes', async () => {
    const { access, refresh } = await server.login();
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${access}` })).status, 200);
    assert.equal(now(refresh), undefined);
    assert.equal(now('not.a.token'), undefined);
    assert.equal(jwt.authenticateNow!({ headers: { authorization: 'Basic c2hvdW1pdHJvOkFiMTIzNDU2Nzg=' }, method: 'GET' } as never), undefined);
    assert.equal(jwt.authenticateNow!({ headers: {}, method: 'GET' } as never), undefined);
    const refused = await server.get('/api/user/', { authorization: `Bearer ${refresh}` });
    assert.equal(refused.status, 401);
    assert.equal(refused.json.code, 'token_not_valid');
    server.clock.advance(server.settings.accessTokenLifetime + 1);
    try {
      assert.equal(now(access), undefined);
      const expired = await server.get('/api/user/', { authorization: `Bearer ${access}` });
      assert.equal(expired.status, 401);
      assert.equal(expired.json.messages[0].message, 'Token is invalid or expired');
    } finally {
      server.clock.advance(-(server.settings.accessTokenLifetime + 1));
    }
  });

  test('a user deactivated through the process, and every session ended, are refused at once', async () => {
    const { access } = await server.login('other', 'Ab12345678');
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${access}` })).status, 200);
    assert.notEqual(now(access), undefined);
    const other = await server.store.users.findByUsername('other');
    await server.store.users.setActive(other!.id, false);
    try {
      assert.equal(now(access), undefined);
      assert.equal((await server.get('/api/user/', { authorization: `Bearer ${access}` })).status, 401);
    } finally {
      await server.store.users.setActive(other!.id, true);
    }
    const second = await server.login('other', 'Ab12345678');
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${second.access}` })).status, 200);
    assert.notEqual(now(second.access), undefined);
    const ended = await server.post('/api/sessions/logout-all/', {}, { authorization: `Bearer ${second.access}` });
    assert.equal(ended.status, 200);
    assert.equal(now(second.access), undefined);
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${second.access}` })).status, 401);
  });
});

describe('authentication from memory is off with userCacheTtl 0', () => {
  let server: TestServer;
  let access: string;
  let auth: Record<string, string>;
  before(async () => {
    ({ server, access, auth } = await startSignedIn({ userCacheTtl: 0 }));
  });
  after(() => server.close());

  test('every request goes through authenticate, which reads the user', async () => {
    assert.equal((await server.get('/api/user/', auth)).status, 200);
    const jwt = server.tessera.authenticationClasses.get('jwt')!;
    assert.equal(jwt.authenticateNow!({ headers: { authorization: `Bearer ${access}` }, method: 'GET' } as never), undefined);
  });
});
