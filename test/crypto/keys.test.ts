import assert from 'node:assert/strict';
import { createHmac, createPublicKey } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  generatePrivateKey, JwtCodec, Keyring, pinPrivateKey, TokenBackendError, type PinnedKey,
} from '../../src/crypto/index.js';
import { ASYMMETRIC_ALGORITHMS, loadSettings, type AsymmetricAlgorithm } from '../../src/settings/index.js';
import { decodeJwt, TestClock } from '../support/server.js';

const clock = new TestClock();
const now = () => Math.floor(clock.now / 1000);

/** A codec over one pinned key (no HMAC key at all). */
function codecFor(keys: PinnedKey[], algorithm: AsymmetricAlgorithm = keys[0]!.alg): JwtCodec {
  const keyring = new Keyring({ clock: clock.read, staticKeys: keys });
  return new JwtCodec({ algorithm, signingKey: '', keys: keyring, audience: null, issuer: null, leeway: 0, clock: clock.read });
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('asymmetric keys', () => {
  const keys = new Map(ASYMMETRIC_ALGORITHMS.map((alg) => [alg, pinPrivateKey(alg, generatePrivateKey(alg))]));

  for (const alg of ASYMMETRIC_ALGORITHMS) {
    test(`${alg} signs with kid and verifies; another key of the same algorithm does not verify it`, () => {
      const key = keys.get(alg)!;
      const codec = codecFor([key]);
      const token = codec.encode({ user_id: 1, exp: now() + 60, iat: now() });
      const { header } = decodeJwt(token);
      assert.deepEqual({ alg: header.alg, kid: header.kid }, { alg, kid: key.kid });
      assert.equal(codec.decode(token).user_id, 1);
      // The other key under the same kid: the signature must not verify.
      const other = pinPrivateKey(alg, generatePrivateKey(alg), key.kid);
      assert.throws(() => codecFor([other]).decode(token), TokenBackendError);
    });
  }

  test('a key of the wrong family for the algorithm is refused when loaded', () => {
    const rsa = generatePrivateKey('RS256');
    const ec = generatePrivateKey('ES256');
    assert.throws(() => pinPrivateKey('ES256', rsa), /ES256 needs an EC key on prime256v1, not rsa/);
    assert.throws(() => pinPrivateKey('RS256', ec), /RS256 needs an RSA key/);
    assert.throws(() => pinPrivateKey('ES384', ec), /ES384 needs an EC key on secp384r1, not prime256v1/);
    assert.throws(() => pinPrivateKey('EdDSA', ec), /EdDSA needs an Ed25519 key/);
  });

  test('settings: an RSA key for ES256 is a one-line settings error; a matching key loads', () => {
    const rsa = generatePrivateKey('RS256');
    assert.throws(
      () => loadSettings({ cwd: '/nonexistent', overrides: { algorithm: 'ES256', signingKey: rsa } }),
      /^SettingsError: signingKey: ES256 needs an EC key on prime256v1, not rsa$/m,
    );
    assert.throws(() => loadSettings({ overrides: { algorithm: 'RS256', signingKey: 'not a pem at all, but long enough to be a secret' } }), /is not a PEM private key/);
    const ec = generatePrivateKey('ES256');
    const otherPublic = createPublicKey(generatePrivateKey('ES256')).export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => loadSettings({ overrides: { algorithm: 'ES256', signingKey: ec, verifyingKey: otherPublic } }), /not the public key of signingKey/);
    assert.equal(loadSettings({ overrides: { algorithm: 'ES256', signingKey: ec } }).algorithm, 'ES256');
  });

  test('key confusion: HS256 signed with the RSA public key PEM as the HMAC secret is refused', () => {
    const key = keys.get('RS256')!;
    const codec = codecFor([key]);
    for (const kid of [key.kid, undefined, 'unknown']) {
      const header = b64({ alg: 'HS256', typ: 'JWT', ...(kid ? { kid } : {}) });
      const payload = b64({ user_id: 1, exp: now() + 60 });
      const signature = createHmac('sha256', key.publicPem).update(`${header}.${payload}`).digest('base64url');
      assert.throws(() => codec.decode(`${header}.${payload}.${signature}`), TokenBackendError);
    }
    // Nor with alg none, nor the RS256 key under PS256 in the header.
    const payload = b64({ user_id: 1, exp: now() + 60 });
    assert.throws(() => codec.decode(`${b64({ alg: 'none', kid: key.kid })}.${payload}.`), TokenBackendError);
    const ps = codecFor([pinPrivateKey('PS256', generatePrivateKey('PS256'), key.kid)]).encode({ user_id: 1, exp: now() + 60 });
    assert.throws(() => codec.decode(ps), TokenBackendError);
  });

  test('an unknown kid is invalid with no HMAC key; without a keyring HS256 stays as today (no kid)', () => {
    const key = keys.get('ES256')!;
    const token = codecFor([key]).encode({ user_id: 1, exp: now() + 60 });
    const stranger = codecFor([pinPrivateKey('ES256', generatePrivateKey('ES256'))]);
    assert.throws(() => stranger.decode(token), (error: unknown) => error instanceof TokenBackendError && error.message === 'Token is invalid or expired');
    const hs = new JwtCodec({ algorithm: 'HS256', signingKey: 'k'.repeat(40), audience: null, issuer: null, leeway: 0, clock: clock.read });
    const plain = hs.encode({ user_id: 1, exp: now() + 60, iat: now() });
    assert.deepEqual(decodeJwt(plain).header, { alg: 'HS256', typ: 'JWT' });
    assert.equal(hs.decode(plain).user_id, 1);
  });
});
