import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt, startServer } from '../support/server.js';

const credentials = { username: 'shoumitro', password: 'Ab12345678' };

/** Starts a server with `overrides`, creates the seed user, runs `check`, closes it. */
async function withServer(overrides: Parameters<typeof startServer>[0], check: (server: Awaited<ReturnType<typeof startServer>>) => Promise<void>) {
  const server = await startServer(overrides);
  try {
    await server.createUser(credentials.username, credentials.password);
    await check(server);
  } finally {
    await server.close();
  }
}

describe('token settings change what is issued and accepted', () => {
  test('updateLastLogin records the login time; off by default', async () => {
    await withServer({}, async (server) => {
      await server.login();
      assert.equal((await server.store.users.findByUsername('shoumitro'))!.lastLogin, null);
    });
    await withServer({ updateLastLogin: true }, async (server) => {
      await server.login();
      assert.equal((await server.store.users.findByUsername('shoumitro'))!.lastLogin?.getTime(), server.clock.now);
    });
  });

  test('claim names: userIdClaim, tokenTypeClaim and jtiClaim', async () => {
    await withServer({ userIdClaim: 'sub_id', tokenTypeClaim: 'typ_claim', jtiClaim: 'token_id' }, async (server) => {
      const pair = await server.login();
      const { claims } = decodeJwt(pair.access);
      // auth_time: fresh login (freshLoginMaxAge), on by default.
      assert.deepEqual(Object.keys(claims), ['typ_claim', 'exp', 'iat', 'token_id', 'sub_id', 'auth_time']);
      assert.equal(claims.typ_claim, 'access');
      const me = await server.get('/api/user/', pair.auth);
      assert.deepEqual(me.json, { id: 1, username: 'shoumitro' });
      const refreshed = await server.post('/api/token/refresh/', { refresh: pair.refresh });
      assert.equal(refreshed.status, 200);
    });
  });

  test('userIdField username puts the username in the token and finds the user by it', async () => {
    await withServer({ userIdField: 'username' }, async (server) => {
      const pair = await server.login();
      assert.equal(decodeJwt(pair.access).claims.user_id, 'shoumitro');
      const me = await server.get('/api/user/', pair.auth);
      assert.deepEqual(me.json, { id: 1, username: 'shoumitro' });
    });
  });

  for (const algorithm of ['HS384', 'HS512'] as const) {
    test(`algorithm ${algorithm} signs and is the only one accepted`, async () => {
      await withServer({ algorithm }, async (server) => {
        const pair = await server.login();
        assert.deepEqual(decodeJwt(pair.access).header, { alg: algorithm, typ: 'JWT' });
        assert.equal((await server.get('/api/user/', pair.auth)).status, 200);
      });
      // A token of this server is refused by one pinned to HS256 with the same key.
      await withServer({ algorithm }, async (signer) => {
        const { access } = await signer.login();
        await withServer({}, async (verifier) => {
          const answer = await verifier.get('/api/user/', { authorization: `Bearer ${access}` });
          assert.equal(answer.status, 401);
          assert.equal(answer.json.messages[0].message, 'Token is invalid or expired');
        });
      });
    });
  }

  test('lifetimes come from settings', async () => {
    await withServer({ accessTokenLifetime: 60, refreshTokenLifetime: 120 }, async (server) => {
      const pair = await server.login();
      const now = Math.floor(server.clock.now / 1000);
      assert.equal(decodeJwt(pair.access).claims.exp, now + 60);
      assert.equal(decodeJwt(pair.refresh).claims.exp, now + 120);
      server.clock.advance(121);
      const refreshed = await server.post('/api/token/refresh/', { refresh: pair.refresh });
      assert.deepEqual(refreshed.json, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
    });
  });
});
