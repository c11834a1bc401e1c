import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatePrivateKey, JwtCodec, pinPrivateKey, TokenBackendError, type KeySet, type PinnedKey } from '../../src/crypto/index.js';
import { TestClock, TEST_SIGNING_KEY } from '../support/server.js';

// The codec remembers tokens it verified; these prove the memory never vouches for more than the
// signature, and never for a key that no longer verifies.
const clock = new TestClock();
const now = () => Math.floor(clock.now / 1000);

function hmacCodec(cache?: number): JwtCodec {
  return new JwtCodec({
    algorithm: 'HS256', signingKey: TEST_SIGNING_KEY, audience: null, issuer: null, leeway: 0, clock: clock.read,
    ...(cache === undefined ? {} : { verifiedTokenCache: cache }),
  });
}

test('a token verified before is still refused once it expires', () => {
  const codec = hmacCodec();
  const token = codec.encode({ user_id: 1, exp: now() + 60, iat: now() });
  assert.equal(codec.decode(token).user_id, 1);
  assert.equal(codec.decode(token).user_id, 1);
  clock.advance(61);
  assert.throws(() => codec.decode(token), (error: TokenBackendError) => error.reason === 'expired');
});

test('each decode hands out its own claims: a caller changing them changes nothing for the next', () => {
  const codec = hmacCodec();
  const token = codec.encode({ user_id: 1, exp: now() + 60, iat: now() });
  const first = codec.decode(token);
  first.user_id = 2;
  first.extra = true;
  assert.deepEqual(Object.keys(codec.decode(token)).sort(), ['exp', 'iat', 'user_id']);
  assert.equal(codec.decode(token).user_id, 1);
});

test('a tampered copy of a remembered token is checked, and refused', () => {
  const codec = hmacCodec();
  const token = codec.encode({ user_id: 1, exp: now() + 60, iat: now() });
  codec.decode(token);
  const [header, , signature] = token.split('.');
  const forged = `${header}.${Buffer.from(JSON.stringify({ user_id: 2, exp: now() + 60, iat: now() })).toString('base64url')}.${signature}`;
  assert.throws(() => codec.decode(forged), TokenBackendError);
  const truncated = token.slice(0, -2);
  assert.throws(() => codec.decode(truncated), TokenBackendError);
});

test('a token whose key was retired after it was verified is refused', () => {
  const key: PinnedKey = pinPrivateKey('ES256', generatePrivateKey('ES256'));
  let live = true;
  const keys: KeySet = { signingKey: () => key, verifyingKey: (kid) => (live && kid === key.kid ? key : undefined), refresh: async () => undefined };
  const codec = new JwtCodec({ algorithm: 'ES256', signingKey: '', keys, audience: null, issuer: null, leeway: 0, clock: clock.read });
  const token = codec.encode({ user_id: 1, exp: now() + 60, iat: now() });
  assert.equal(codec.decode(token).user_id, 1);
  live = false;
  assert.throws(() => codec.decode(token), TokenBackendError);
});

test('verifiedTokenCache: 0 verifies every time; the memory keeps at most its bound', () => {
  const off = hmacCodec(0);
  const token = off.encode({ user_id: 1, exp: now() + 60, iat: now() });
  off.decode(token);
  assert.equal((off as unknown as { verified: { entries: Map<string, unknown> } }).verified.entries.size, 0);
  const small = hmacCodec(3);
  for (let i = 0; i < 10; i++) small.decode(small.encode({ user_id: i, exp: now() + 60, iat: now() }));
  assert.equal((small as unknown as { verified: { entries: Map<string, unknown> } }).verified.entries.size, 3);
});
