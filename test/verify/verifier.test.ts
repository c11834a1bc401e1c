import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateSigningKey, rotateSigningKeys } from '../../src/crypto/index.js';
import { SigningKeyRepository } from '../../src/store/index.js';
import { createVerifier, InvalidToken, type Verifier } from '../../src/verify/index.js';
import { decodeJwt, startServer, type Login, type TestServer } from '../support/server.js';

// Two parties: the ready server (tessera) and, in this process, another service that only has
// tessera/verify. Polls run on real timers, every POLL_MS; key expiry runs on the shared test clock.

const FEED_SECRET = 'feed-secret-for-the-verifier-tests-0123456789';
const POLL_MS = 20;
const CACHE_TTL_MS = 60_000;
const CREDENTIALS = { username: 'remote-ann', password: 'Ab12345678-remote' };

/** Resolves once `verify(token)` is refused with `message`, failing after `withinMs`; how long it took. */
async function refusedWithin(verifier: Verifier, token: string, message: string, withinMs: number): Promise<number> {
  const start = performance.now();
  for (;;) {
    const refusal = await verifier.verify(token).then(() => null, (error: unknown) => error);
    if (refusal !== null) {
      assert.ok(refusal instanceof InvalidToken, String(refusal));
      assert.equal(refusal.code, 'token_not_valid');
      assert.equal(refusal.message, message);
      return performance.now() - start;
    }
    assert.ok(performance.now() - start < withinMs, `still accepted after ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The rejection `verify` gives, as `{code, message}`. */
async function refusal(verifier: Verifier, token: string): Promise<{ code: string; message: string }> {
  const error = await verifier.verify(token).then(() => assert.fail('verified'), (e: unknown) => e);
  assert.ok(error instanceof InvalidToken, String(error));
  return { code: error.code, message: error.message };
}

describe('tessera/verify: another service follows tessera\'s logouts and keys', () => {
  let server: TestServer;
  let rows: SigningKeyRepository;
  let verifier: Verifier;
  const warnings: string[] = [];
  const fetched: string[] = [];
  // The password change mails the user; into a folder, not onto the test's output.
  const outbox = mkdtempSync(join(tmpdir(), 'tessera-verify-mail-'));

  before(async () => {
    server = await startServer({
      tokenFamilies: true, revocationFeedToken: FEED_SECRET, accessTokenLifetime: 300, emailUrl: `file:${outbox}`,
    });
    rows = new SigningKeyRepository(server.store.database.db as never);
    await generateSigningKey(rows, 'ES256', new Date(server.clock.now));
    await server.tessera.keyring.reload();
    await server.createUser(CREDENTIALS.username, CREDENTIALS.password);
    verifier = createVerifier({
      issuerUrl: server.url,
      revocationsToken: FEED_SECRET,
      clock: server.clock.read,
      pollInterval: POLL_MS,
      cacheTtl: CACHE_TTL_MS,
      cooldown: 1000,
      logger: { warn: (message) => void warnings.push(message) },
      fetch: (input, init) => {
        fetched.push(new URL(String(input)).pathname);
        return fetch(input, init);
      },
    });
    await verifier.ready();
  });
  after(async () => {
    verifier.close();
    await server.close();
    rmSync(outbox, { recursive: true, force: true });
  });

  const login = () => server.login(CREDENTIALS.username, CREDENTIALS.password);
  const jwksFetches = () => fetched.filter((path) => path === '/.well-known/jwks.json').length;

  test('an access token verifies; other tokens are refused in Simple JWT\'s words', async () => {
    const { access, refresh } = await login();
    const claims = await verifier.verify(access);
    assert.equal(claims.token_type, 'access');
    assert.equal(typeof claims.user_id, 'number');
    assert.equal(typeof claims.fam, 'string');

    assert.deepEqual(await refusal(verifier, refresh), { code: 'token_not_valid', message: 'Token has wrong type' });
    assert.deepEqual(await refusal(verifier, 'not.a.token'), { code: 'token_not_valid', message: 'Token is invalid or expired' });
    // Algorithm confusion: the ES256 key's public JWK as an HMAC secret, and `none`.
    const { header, claims: payload } = decodeJwt(access);
    const jwk = JSON.stringify((await server.get('/.well-known/jwks.json')).json.keys[0]);
    const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const hsInput = `${segment({ ...header, alg: 'HS256' })}.${segment(payload)}`;
    const hs = `${hsInput}.${createHmac('sha256', jwk).update(hsInput).digest('base64url')}`;
    assert.equal((await refusal(verifier, hs)).message, 'Token is invalid or expired');
    const none = `${segment({ ...header, alg: 'none' })}.${segment(payload)}.`;
    assert.equal((await refusal(verifier, none)).message, 'Token is invalid or expired');
    assert.deepEqual(warnings, []);
  });

  test('an ended session is refused within the poll interval; the other session still verifies', async () => {
    const kept: Login = await login();
    const ended: Login = await login();
    await verifier.verify(ended.access);
    const answer = await server.post('/api/sessions/logout-all/', { keep_current: true }, kept.auth);
    assert.equal(answer.status, 200, answer.text);
    const took = await refusedWithin(verifier, ended.access, 'Token is blacklisted', 20 * POLL_MS);
    assert.ok(took < 20 * POLL_MS);
    assert.equal((await verifier.verify(kept.access)).fam, decodeJwt(kept.access).claims.fam);
  });

  test('a password change refuses every older token of the user; a login after it verifies', async () => {
    const before = await login();
    await verifier.verify(before.access);
    server.clock.advance(1);
    const changed = await server.post('/auth/users/set_password/', {
      current_password: CREDENTIALS.password, new_password: `${CREDENTIALS.password}-2`,
    }, before.auth);
    assert.equal(changed.status, 204, changed.text);
    await refusedWithin(verifier, before.access, 'Token is blacklisted', 20 * POLL_MS);
    const after = await server.login(CREDENTIALS.username, `${CREDENTIALS.password}-2`);
    await verifier.pollRevocations();
    assert.equal((await verifier.verify(after.access)).user_id, decodeJwt(before.access).claims.user_id);
    CREDENTIALS.password = `${CREDENTIALS.password}-2`;
  });

  test('a rotated key is fetched once on its first token; a key removed upstream stops verifying within the TTL', async () => {
    const old = await login();
    const oldKid = decodeJwt(old.access).header.kid;
    // The old key retires 10 s after the rotation, while its access tokens live 300 s.
    server.clock.advance(2);
    await rotateSigningKeys(rows, { now: new Date(server.clock.now), overlapSeconds: 10 });
    await server.tessera.keyring.reload();
    const fresh = await login();
    assert.notEqual(decodeJwt(fresh.access).header.kid, oldKid);
    const before = jwksFetches();
    await verifier.verify(fresh.access);
    await verifier.verify(fresh.access);
    assert.equal(jwksFetches(), before + 1, 'one fetch for the new kid');

    server.clock.advance(11);
    const published = (await server.get('/.well-known/jwks.json')).json.keys.map((key: { kid: string }) => key.kid);
    assert.ok(!published.includes(oldKid), 'retired upstream');
    // Within the TTL the cached key still verifies (that is the TTL's bargain) ...
    await verifier.verify(old.access);
    // ... and past it the JWKS is asked again, and the removed key is gone.
    server.clock.advance(CACHE_TTL_MS / 1000);
    assert.equal((await refusal(verifier, old.access)).message, 'Token is invalid or expired');
    assert.equal(jwksFetches(), before + 2);
    await verifier.verify(fresh.access);
    assert.equal(jwksFetches(), before + 2, 'a fresh answer is not fetched again');
    server.clock.advance(300);
    assert.equal((await refusal(verifier, fresh.access)).message, 'Token is invalid or expired', 'expired');
    assert.deepEqual(warnings, []);
  });
});
