import assert from 'node:assert/strict';
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
