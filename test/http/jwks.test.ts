import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { generateSigningKey, retirementOverlap, rotateSigningKeys } from '../../src/crypto/index.js';
import { SigningKeyRepository } from '../../src/store/index.js';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

const CREDENTIALS = { username: 'keyholder', password: 'Ab12345678' };

describe('JWKS and the keyring', () => {
  let server: TestServer;
  let rows: SigningKeyRepository;
  before(async () => {
    server = await startServer({ accessTokenLifetime: 300, refreshTokenLifetime: 3600 });
    rows = new SigningKeyRepository(server.store.database.db as never);
    await server.createUser(CREDENTIALS.username, CREDENTIALS.password);
  });
  after(() => server.close());

  const me = (access: string) => server.post('/api/token/verify/', { token: access });

  test('HMAC only: an empty key list, tokens without kid', async () => {
    const answer = await server.get('/.well-known/jwks.json');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { keys: [] });
    const { access } = await server.login(CREDENTIALS.username, CREDENTIALS.password);
    assert.deepEqual(decodeJwt(access).header, { alg: 'HS256', typ: 'JWT' });
  });

  test('generate, rotate: kid in headers, old key verifies until its tokens expired, then retires', async () => {
    const hsAccess = (await server.login(CREDENTIALS.username, CREDENTIALS.password)).access;
    const first = await generateSigningKey(rows, 'ES256', new Date(server.clock.now));
    await server.tessera.keyring.reload();
    const jwks = (await server.get('/.well-known/jwks.json')).json;
    assert.equal(jwks.keys.length, 1);
    const [jwk] = jwks.keys;
    assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    assert.deepEqual({ kty: jwk.kty, crv: jwk.crv, alg: jwk.alg, use: jwk.use, kid: jwk.kid }, { kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: first.kid });
    assert.ok(!('d' in jwk));

    const old = await server.login(CREDENTIALS.username, CREDENTIALS.password);
    assert.deepEqual(decodeJwt(old.access).header, { alg: 'ES256', typ: 'JWT', kid: first.kid });
    assert.equal((await me(old.access)).status, 200);
    // An HS256 token from before the keyring still verifies (algorithm is still HS256).
    assert.equal((await me(hsAccess)).status, 200);

    const overlap = retirementOverlap(server.settings);
    const { activated } = await rotateSigningKeys(rows, { now: new Date(server.clock.now), overlapSeconds: overlap, alg: 'RS256' });
    await server.tessera.keyring.reload();
    const kids = (await server.get('/.well-known/jwks.json')).json.keys.map((k: { kid: string }) => k.kid);
    assert.deepEqual(kids.sort(), [first.kid, activated.kid].sort());
    const rsa = (await server.get('/.well-known/jwks.json')).json.keys.find((k: { kid: string }) => k.kid === activated.kid);
    assert.equal(rsa.kty, 'RSA');
    assert.ok(rsa.n && rsa.e);

    const fresh = await server.login(CREDENTIALS.username, CREDENTIALS.password);
    assert.deepEqual(decodeJwt(fresh.access).header, { alg: 'RS256', typ: 'JWT', kid: activated.kid });
    // The old refresh token still refreshes, through its whole lifetime.
    server.clock.advance(3000);
    assert.equal((await server.post('/api/token/refresh/', { refresh: old.refresh })).status, 200);

    // Past the overlap the old key is retired: gone from JWKS, its tokens refused.
    server.clock.advance(overlap - 3000 + 1);
    assert.deepEqual((await server.get('/.well-known/jwks.json')).json.keys.map((k: { kid: string }) => k.kid), [activated.kid]);
    const refused = await server.post('/api/token/refresh/', { refresh: old.refresh });
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.json, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
    const newer = await server.login(CREDENTIALS.username, CREDENTIALS.password);
    assert.equal((await me(newer.access)).status, 200);
    // A token naming an unknown kid is invalid.
    const [, payload, signature] = newer.access.split('.');
    const forged = `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'nope' })).toString('base64url')}.${payload}.${signature}`;
    assert.equal((await me(forged)).status, 401);
  });
});

describe('jwkUrl: verifying against another tessera\'s JWKS', () => {
  let issuer: TestServer;
  let consumer: TestServer;
  let proxy: Server;
  let fetches = 0;
  before(async () => {
    issuer = await startServer();
    await issuer.createUser(CREDENTIALS.username, CREDENTIALS.password);
    await generateSigningKey(new SigningKeyRepository(issuer.store.database.db as never), 'EdDSA', new Date(issuer.clock.now));
    await issuer.tessera.keyring.reload();
    // Counts every JWKS fetch the consumer makes.
    proxy = createServer(async (_request, response) => {
      fetches += 1;
      const answer = await issuer.get('/.well-known/jwks.json');
      response.writeHead(200, { 'content-type': 'application/json' }).end(answer.text);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as { port: number };
    consumer = await startServer({ jwkUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`, signingKey: 'another-consumer-key-that-is-long-enough-0123456789' });
    // Same users on both sides, as a resource server sharing the directory would have.
    await consumer.createUser(CREDENTIALS.username, CREDENTIALS.password);
    consumer.clock.now = issuer.clock.now;
  });
  after(async () => {
    await consumer.close();
    await issuer.close();
    await new Promise((resolve) => proxy.close(resolve));
  });

  test('the issuer\'s tokens verify; an unknown kid refetches once; the cooldown holds; rotation upstream is picked up', async () => {
    assert.equal(fetches, 1, 'one fetch at start');
    const { access } = await issuer.login(CREDENTIALS.username, CREDENTIALS.password);
    assert.equal((await consumer.post('/api/token/verify/', { token: access })).status, 200);
    assert.equal(fetches, 1, 'a known kid fetches nothing');

    // Rotation upstream: a new kid the consumer has not seen.
    const rows = new SigningKeyRepository(issuer.store.database.db as never);
    await rotateSigningKeys(rows, { now: new Date(issuer.clock.now), overlapSeconds: 600 });
    await issuer.tessera.keyring.reload();
    const rotated = (await issuer.login(CREDENTIALS.username, CREDENTIALS.password)).access;
    consumer.clock.advance(61);
    assert.equal((await consumer.post('/api/token/verify/', { token: rotated })).status, 200);
    assert.equal(fetches, 2, 'one refetch for the unknown kid');

    // Unknown kids within the cooldown: no more fetches, and invalid.
    const [, payload, signature] = rotated.split('.');
    for (let i = 0; i < 5; i += 1) {
      const forged = `${Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: `attacker-${i}` })).toString('base64url')}.${payload}.${signature}`;
      const answer = await consumer.post('/api/token/verify/', { token: forged });
      assert.equal(answer.status, 401);
    }
    assert.equal(fetches, 2, 'the cooldown stops a fetch storm');
    consumer.clock.advance(61);
    const forged = `${Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: 'attacker-late' })).toString('base64url')}.${payload}.${signature}`;
    assert.equal((await consumer.post('/api/token/verify/', { token: forged })).status, 401);
    assert.equal(fetches, 3, 'after the cooldown one more fetch is allowed');
  });

  test('a key removed upstream stops verifying within jwkCacheTtl (default 5 min), without an unknown kid to trigger it', async () => {
    const rows = new SigningKeyRepository(issuer.store.database.db as never);
    // A refresh token (a day) signed by the active key, which then retires 10 s after a rotation.
    const { refresh } = await issuer.login(CREDENTIALS.username, CREDENTIALS.password);
    await rotateSigningKeys(rows, { now: new Date(issuer.clock.now), overlapSeconds: 10 });
    await issuer.tessera.keyring.reload();
    const verify = () => consumer.post('/api/token/verify/', { token: refresh });
    assert.equal((await verify()).status, 200);
    const before = fetches;
    issuer.clock.advance(11);
    consumer.clock.advance(11);
    assert.equal((await verify()).status, 200, 'within the TTL the cached key still verifies');
    assert.equal(fetches, before);
    issuer.clock.advance(consumer.settings.jwkCacheTtl);
    consumer.clock.advance(consumer.settings.jwkCacheTtl);
    const refused = await verify();
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.json, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
    assert.equal(fetches, before + 1, 'one fetch once the answer expired');
    const fresh = await issuer.login(CREDENTIALS.username, CREDENTIALS.password);
    assert.equal((await consumer.post('/api/token/verify/', { token: fresh.access })).status, 200);
    assert.equal(fetches, before + 1, 'the fresh answer serves the new key');
  });
});
