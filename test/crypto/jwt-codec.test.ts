import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as signRaw } from 'node:crypto';
import { test } from 'node:test';
import { createSigner, createVerifier } from 'fast-jwt';
import { JwtCodec } from '../../src/crypto/index.js';
import type { Algorithm } from '../../src/settings/index.js';
import { TestClock, TEST_SIGNING_KEY } from '../support/server.js';

// HMAC tokens are signed by the codec itself (fast-jwt signs asymmetric ones): these prove the
// tokens are the ones fast-jwt would make, byte for byte, and that fast-jwt accepts them.
const clock = new TestClock();
const now = Math.floor(clock.now / 1000);

const CLAIM_SETS: Record<string, unknown>[] = [
  { token_type: 'access', exp: now + 300, iat: now, jti: '0190f0c2a1b27c3d8e9fa0b1c2d3e4f5', user_id: 1 },
  { token_type: 'refresh', exp: now + 86_400, iat: now, jti: 'a'.repeat(32), user_id: 42, family: 'f-1' },
  // drf-jwt's tokens have no iat: none must be added.
  { user_id: 3, username: 'shoumitro', exp: now + 300, email: 's@example.com', orig_iat: now },
  { user_id: 'ünïcødé ✓ "quoted" \\ slash', exp: now + 60, iat: now, nested: { list: [1, 2.5, null, true] } },
];

for (const algorithm of ['HS256', 'HS384', 'HS512'] as Algorithm[]) {
  test(`${algorithm}: the codec's tokens are fast-jwt's, byte for byte, and fast-jwt verifies them`, () => {
    const codec = new JwtCodec({ algorithm, signingKey: TEST_SIGNING_KEY, audience: null, issuer: null, leeway: 0, clock: clock.read });
    const withIat = createSigner({ key: TEST_SIGNING_KEY, algorithm });
    const withoutIat = createSigner({ key: TEST_SIGNING_KEY, algorithm, noTimestamp: true });
    const verify = createVerifier({ key: TEST_SIGNING_KEY, algorithms: [algorithm], ignoreExpiration: true });
    for (const claims of CLAIM_SETS) {
      const token = codec.encode(claims);
      assert.equal(token, ('iat' in claims ? withIat : withoutIat)(claims), JSON.stringify(claims));
      assert.deepEqual(verify(token), claims);
      assert.deepEqual(codec.decode(token), claims);
    }
  });
}

test('audience and issuer are added before signing, as fast-jwt would sign them', () => {
  const codec = new JwtCodec({ algorithm: 'HS256', signingKey: TEST_SIGNING_KEY, audience: 'api', issuer: 'tessera', leeway: 0, clock: clock.read });
  const claims = { user_id: 1, exp: now + 60, iat: now };
  assert.equal(codec.encode(claims), createSigner({ key: TEST_SIGNING_KEY, algorithm: 'HS256' })({ ...claims, aud: 'api', iss: 'tessera' }));
});

test('JwtCodec: asymmetric keys verify on the decoded parts (one parse) with the checks fast-jwt made', () => {
  for (const [alg, type, params] of [
    ['ES256', 'ec', { namedCurve: 'prime256v1' }], ['ES384', 'ec', { namedCurve: 'secp384r1' }], ['ES512', 'ec', { namedCurve: 'secp521r1' }],
    ['RS256', 'rsa', { modulusLength: 2048 }], ['PS256', 'rsa', { modulusLength: 2048 }], ['EdDSA', 'ed25519', {}],
  ] as const) {
    const { privateKey, publicKey } = generateKeyPairSync(type as 'ec', params as { namedCurve: string });
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const pinned = { kid: 'k1', alg, privatePem: null, publicPem, jwk: {} as never };
    const codec = new JwtCodec({
      algorithm: alg, signingKey: '', audience: null, issuer: null, leeway: 0, clock: Date.now, verifiedTokenCache: 0,
      keys: { signingKey: () => null, verifyingKey: (kid) => (kid === 'k1' ? pinned : undefined), refresh: async () => undefined },
    });
    const token = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: alg, kid: 'k1' })({ sub: '1' });
    assert.equal(codec.decode(token).sub, '1', alg);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    // Another payload under the same signature, a flipped signature bit, a truncated signature.
    const other = Buffer.from(JSON.stringify({ sub: '2', iat: 1 })).toString('base64url');
    const flipped = Buffer.from(signature, 'base64url');
    flipped[0]! ^= 1;
    for (const forged of [`${header}.${other}.${signature}`, `${header}.${payload}.${flipped.toString('base64url')}`, `${header}.${payload}.${signature.slice(0, -4)}`]) {
      assert.throws(() => codec.decode(forged), { name: 'TokenBackendError' }, alg);
    }
    // The header's alg must be the key's own, even when the signature is right for the bytes.
    const wrongAlg = Buffer.from(JSON.stringify({ alg: alg === 'EdDSA' ? 'ES256' : 'EdDSA', typ: 'JWT', kid: 'k1' })).toString('base64url');
    const input = `${wrongAlg}.${payload}`;
    const resigned = signRaw(alg === 'EdDSA' ? null : `sha${alg.slice(2)}`, Buffer.from(input), privateKey).toString('base64url');
    assert.throws(() => codec.decode(`${input}.${resigned}`), { name: 'TokenBackendError' }, alg);
  }
});
