import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { generatePrivateKey, pinPrivateKey, RemoteJwks } from '../../src/crypto/index.js';
import { TestClock } from '../support/server.js';

// A real HTTP issuer whose answer the tests change: the keys it publishes, or a 503 while "down".

describe('RemoteJwks: TTL, cooldown, algorithms', () => {
  const es = pinPrivateKey('ES256', generatePrivateKey('ES256'), 'es');
  const rs = pinPrivateKey('RS256', generatePrivateKey('RS256'), 'rs');
  let published: object[] = [es.jwk, rs.jwk];
  let down = false;
  let fetches = 0;
  let server: Server;
  let url: string;

  before(async () => {
    server = createServer((_request, response) => {
      fetches += 1;
      if (down) response.writeHead(503).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/.well-known/jwks.json`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  test('an answer is trusted for the TTL; then nothing answers until a refetch, which is not held by the cooldown', async () => {
    published = [es.jwk, rs.jwk];
    fetches = 0;
    const clock = new TestClock();
    const jwks = new RemoteJwks({ url, clock: clock.read, ttlMs: 10_000, cooldownMs: 60_000 });
    await jwks.refresh();
    assert.equal(jwks.get('es')?.alg, 'ES256');
    clock.advance(9);
    assert.ok(jwks.get('es'));
    published = [rs.jwk];
    clock.advance(1);
    assert.equal(jwks.get('es'), undefined, 'past the TTL');
    assert.equal(jwks.get('rs'), undefined, 'past the TTL, until refetched');
    await jwks.refresh();
    assert.equal(fetches, 2);
    assert.equal(jwks.get('es'), undefined, 'removed upstream');
    assert.ok(jwks.get('rs'));
  });

  test('while the issuer is down past the TTL, its last keys keep verifying and it is asked once per cooldown', async () => {
    published = [es.jwk];
    fetches = 0;
    const clock = new TestClock();
    const warnings: string[] = [];
    const jwks = new RemoteJwks({ url, clock: clock.read, ttlMs: 10_000, cooldownMs: 30_000, logger: { warn: (m) => void warnings.push(m) } });
    await jwks.refresh();
    down = true;
    try {
      clock.advance(11);
      assert.equal(jwks.get('es'), undefined);
      await jwks.refresh();
      assert.equal(fetches, 2);
      assert.match(warnings[0] ?? '', /could not be read: answered 503/);
      assert.ok(jwks.get('es'), 'not answering is not removing a key');
      clock.advance(29);
      await jwks.refresh();
      assert.equal(fetches, 2, 'within the cooldown');
      assert.ok(jwks.get('es'));
      clock.advance(1);
      assert.equal(jwks.get('es'), undefined, 'the cooldown passed: ask again first');
      down = false;
      await jwks.refresh();
      assert.equal(fetches, 3);
      assert.ok(jwks.get('es'));
    } finally {
      down = false;
    }
  });

  test('keys are pinned to their JWK\'s alg, within the allow-list; HMAC and alg-less keys never load', async () => {
    const hmac = { kty: 'oct', kid: 'hs', alg: 'HS256', k: Buffer.from('secret-secret-secret-secret-secret').toString('base64url') };
    const noAlg = { ...es.jwk, kid: 'no-alg', alg: undefined };
    const mislabelled = { ...rs.jwk, kid: 'mislabelled', alg: 'ES256' };
    published = [es.jwk, rs.jwk, hmac, noAlg, mislabelled, { ...es.jwk, kid: 'enc', use: 'enc' }];
    const clock = new TestClock();
    const all = new RemoteJwks({ url, clock: clock.read });
    await all.refresh();
    assert.deepEqual(['es', 'rs', 'hs', 'no-alg', 'mislabelled', 'enc'].filter((kid) => all.get(kid)), ['es', 'rs']);
    const esOnly = new RemoteJwks({ url, clock: clock.read, algorithms: ['ES256'] });
    await esOnly.refresh();
    assert.deepEqual(['es', 'rs'].filter((kid) => esOnly.get(kid)), ['es']);
  });
});
