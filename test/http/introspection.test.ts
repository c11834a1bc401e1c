import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSignedIn, type TestServer } from '../support/server.js';

describe('RFC 7662 introspection and RFC 7009 revocation', () => {
  let server: TestServer;
  let admin: string;
  let userId: number;
  before(async () => {
    ({ server, access: admin } = await startSignedIn({}, { username: 'staff', password: 'Ab12345678', extra: { isStaff: true } }));
    userId = (await server.createUser('alice', 'Ab12345678')).id;
  });
  after(() => server.close());

  const introspect = (token: string, auth = admin, extra: Record<string, string> = {}) =>
    server.post('/api/token/introspect/', { token, ...extra }, { authorization: `Bearer ${auth}` });

  test('only staff may introspect', async () => {
    const alice = await server.login('alice', 'Ab12345678');
    assert.equal((await server.post('/api/token/introspect/', { token: alice.access })).status, 401);
    assert.equal((await introspect(alice.access, alice.access)).status, 403);
  });

  test('live tokens answer active with their claims; dead ones only {"active": false}', async () => {
    const pair = await server.login('alice', 'Ab12345678');
    const access = await introspect(pair.access);
    assert.equal(access.status, 200);
    assert.equal(access.json.active, true);
    assert.equal(access.json.token_type, 'access_token');
    assert.equal(access.json.user_id, userId);
    assert.equal(access.json.sub, String(userId));
    assert.equal(access.json.username, 'alice');
    assert.equal(typeof access.json.exp, 'number');
    assert.equal(typeof access.json.jti, 'string');
    const refresh = await introspect(pair.refresh, admin, { token_type_hint: 'refresh_token' });
    assert.equal(refresh.json.token_type, 'refresh_token');

    // Bad signature, garbage.
    const [h, p] = pair.access.split('.');
    assert.deepEqual((await introspect(`${h}.${p}.AAAA`)).json, { active: false });
    assert.deepEqual((await introspect('not-a-token')).json, { active: false });

    // Revoked (RFC 7009): 200, then dead.
    const revoked = await server.post('/api/token/revoke/', { token: pair.refresh, token_type_hint: 'refresh_token' });
    assert.equal(revoked.status, 200);
    assert.deepEqual((await introspect(pair.refresh)).json, { active: false });
    assert.equal((await server.post('/api/token/refresh/', { refresh: pair.refresh })).status, 401);
    // Unknown and invalid tokens are 200 too, and revoking twice is fine.
    assert.equal((await server.post('/api/token/revoke/', { token: 'garbage' })).status, 200);
    assert.equal((await server.post('/api/token/revoke/', { token: pair.refresh })).status, 200);

    // A user cut-off kills the access token.
    const later = await server.login('alice', 'Ab12345678');
    assert.equal((await introspect(later.access)).json.active, true);
    server.clock.advance(1);
    await server.tessera.revocation.revokeAllForUser(userId, new Date(server.clock.now));
    assert.deepEqual((await introspect(later.access)).json, { active: false });

    // Expired.
    const staffAgain = (await server.login('staff', 'Ab12345678')).access;
    const fresh = (await server.login('staff', 'Ab12345678')).access;
    assert.equal((await introspect(fresh, staffAgain)).json.active, true);
    server.clock.advance(server.settings.accessTokenLifetime + 1);
    const longLived = (await server.login('staff', 'Ab12345678')).access;
    assert.deepEqual((await introspect(fresh, longLived)).json, { active: false });
  });
});
