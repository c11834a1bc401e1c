import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSigner } from 'fast-jwt';
import { generatePrivateKey, pinPrivateKey } from '../../src/crypto/index.js';
import { SERVER_MIGRATIONS } from '../../src/server/index.js';
import { openStore, SigningKeyRepository } from '../../src/store/index.js';
import { cleanUp, freshFolder, runCli } from '../support/cli-process.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const HMAC_KEY = 'decode-test-signing-key-that-is-long-enough-0123456789';

/** Claims valid for an hour (or expired `expiresIn` < 0 seconds ago). */
function claims(expiresIn = 3600) {
  const now = Math.floor(Date.now() / 1000);
  return { token_type: 'access', exp: now + expiresIn, iat: now - Math.max(0, -expiresIn) - 10, jti: 'b'.repeat(32), user_id: 1 };
}

/**
 * The `Verification:` line of `tessera token decode JWT`, checked against the exit: 0 for a valid
 * token, else 1 with the same reason as one error line.
 */
async function verification(dir: string, jwt: string, env: Record<string, string>): Promise<string> {
  const run = await runCli(dir, ['token', 'decode', jwt], env);
  const line = /^Verification: (.*)$/m.exec(run.stdout);
  assert.ok(line, run.stdout);
  if (line[1]!.startsWith('valid: ')) {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
  } else {
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, `tessera: error: not a valid token here: ${line[1]!.replace(/^invalid: /, '')}\n`);
  }
  return line[1]!;
}

describe('tessera token decode says which key verified a token, or why none did', () => {
  let dir: string;
  let database: TestDatabase;
  let jwks: Server;
  let jwksUrl = '';
  const rsa = pinPrivateKey('RS256', generatePrivateKey('RS256'));
  const remote = pinPrivateKey('ES256', generatePrivateKey('ES256'), 'remote-1');
  const keyring = pinPrivateKey('EdDSA', generatePrivateKey('EdDSA'));
  const retired = pinPrivateKey('ES256', generatePrivateKey('ES256'));

  before(async () => {
    dir = freshFolder('tessera-decode-');
    database = await createTestDatabase(dir);
    const store = openStore(database.url);
    try {
      await store.migrate(SERVER_MIGRATIONS);
      const rows = new SigningKeyRepository(store.database.db);
      const now = Date.now();
      await rows.insert({
        kid: keyring.kid, alg: 'EdDSA', privatePem: keyring.privatePem!, publicJwk: keyring.jwk,
        createdAt: new Date(now - 60_000), activatedAt: new Date(now - 60_000), retiresAt: null,
      });
      await rows.insert({
        kid: retired.kid, alg: 'ES256', privatePem: retired.privatePem!, publicJwk: retired.jwk,
        createdAt: new Date(now - 7200_000), activatedAt: new Date(now - 7200_000), retiresAt: new Date(now - 60_000),
      });
    } finally {
      await store.close();
    }
    jwks = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [remote.jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  after(async () => {
    await new Promise((resolve) => jwks.close(resolve));
    await database.drop();
    cleanUp();
  });

  const hmacEnv = () => ({ TESSERA_SIGNING_KEY: HMAC_KEY, TESSERA_DATA_DIR: dir, TESSERA_DATABASE_URL: database.url });
  const rsaEnv = () => ({
    TESSERA_ALGORITHM: 'RS256', TESSERA_VERIFYING_KEY: rsa.publicPem, TESSERA_JWK_URL: jwksUrl,
    TESSERA_DATA_DIR: dir, TESSERA_DATABASE_URL: database.url,
  });
  const sign = (key: typeof rsa, kid: string | undefined = key.kid, payload: Record<string, unknown> = claims()) =>
    createSigner({ key: key.privatePem!, algorithm: key.alg, ...(kid ? { kid } : {}) })(payload);

  test('HMAC: valid names the signingKey; another key is a bad signature; an old token is expired', async () => {
    const hs = createSigner({ key: HMAC_KEY, algorithm: 'HS256' });
    assert.equal(await verification(dir, hs(claims()), hmacEnv()), 'valid: verified with the HMAC signingKey (HS256)');
    const forged = createSigner({ key: 'another-key-that-is-long-enough-for-hs256-000000', algorithm: 'HS256' })(claims());
    assert.equal(await verification(dir, forged, hmacEnv()), 'invalid: bad signature (checked with the HMAC signingKey (HS256))');
    assert.equal(await verification(dir, hs(claims(-7200)), hmacEnv()), 'invalid: expired (signature verified with the HMAC signingKey (HS256))');
    const hs512 = createSigner({ key: HMAC_KEY, algorithm: 'HS512' })(claims());
    assert.equal(await verification(dir, hs512, hmacEnv()), 'invalid: the header says alg "HS512" but the HMAC signingKey (HS256) verifies HS256 only');
  });

  test('keys by kid: the settings key, the database keyring, a jwkUrl key', async () => {
    assert.equal(await verification(dir, sign(rsa), rsaEnv()), `valid: verified with the settings key ${rsa.kid} (RS256)`);
    assert.equal(await verification(dir, sign(keyring), rsaEnv()), `valid: verified with database keyring key ${keyring.kid} (EdDSA, active)`);
    assert.equal(await verification(dir, sign(remote), rsaEnv()), `valid: verified with key remote-1 (ES256) from jwkUrl ${jwksUrl}`);
  });

  test('why not: unknown kid, retired key, a kid used with another algorithm, no kid under RS256, a forged signature', async () => {
    const stranger = pinPrivateKey('ES256', generatePrivateKey('ES256'), 'nobody');
    assert.equal(
      await verification(dir, sign(stranger), rsaEnv()),
      `invalid: no key with kid "nobody" in the database keyring, the settings key, jwkUrl ${jwksUrl}`,
    );
    assert.match(await verification(dir, sign(retired), rsaEnv()), new RegExp(`^invalid: database keyring key ${retired.kid} \\(ES256\\) retired at \\d{4}-`));
    // An ES256 signature under the RSA key's kid: the kid pins RS256, whatever the header says.
    assert.equal(
      await verification(dir, sign(remote, rsa.kid), rsaEnv()),
      `invalid: the header says alg "ES256" but the settings key ${rsa.kid} (RS256) verifies RS256 only`,
    );
    assert.equal(
      await verification(dir, sign(rsa, ''), rsaEnv()),
      'invalid: the token has no kid; with RS256 only tokens naming a known key\'s kid verify',
    );
    const [head, body] = sign(rsa).split('.');
    const otherRsa = pinPrivateKey('RS256', generatePrivateKey('RS256'));
    const forged = `${head}.${body}.${sign(otherRsa, rsa.kid).split('.')[2]}`;
    assert.equal(await verification(dir, forged, rsaEnv()), `invalid: bad signature (checked with the settings key ${rsa.kid} (RS256))`);
  });
});
