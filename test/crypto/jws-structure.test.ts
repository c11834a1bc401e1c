import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkCompactJws, hasDuplicateOrUnsafeKeys } from '../../src/crypto/jws-structure.js';
import { TokenBackendError } from '../../src/crypto/index.js';

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const HEADER = b64('{"alg":"HS256","typ":"JWT"}');
const SIGNATURE = 'c2lnbmF0dXJl';

/** True when `checkCompactJws` accepts the token, false when it refuses it as invalid. */
function accepted(token: string): boolean {
  try {
    checkCompactJws(token);
    return true;
  } catch (error) {
    assert.ok(error instanceof TokenBackendError, `unexpected ${String(error)}`);
    return false;
  }
}

test('a base64url segment passes exactly when a Buffer round trip gives it back (the check it replaces)', () => {
  const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
  fc.assert(fc.property(fc.array(alphabet, { minLength: 1, maxLength: 12 }).map((c) => c.join('')), (signature) => {
    const canonical = Buffer.from(signature, 'base64url').toString('base64url') === signature;
    assert.equal(accepted(`${HEADER}.${b64('{"a":1}')}.${signature}`), canonical, signature);
  }), { seed: 20260101, numRuns: 2000 });
});

test('every last character at every length agrees with the Buffer round trip (exhaustive)', () => {
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') {
    for (const prefix of ['', 'A', 'AB', 'ABC', 'ABCD']) {
      const signature = prefix + c;
      const canonical = Buffer.from(signature, 'base64url').toString('base64url') === signature;
      assert.equal(accepted(`${HEADER}.${b64('{"a":1}')}.${signature}`), canonical, signature);
    }
  }
});

test('duplicate and __proto__ member names are refused on the fast path and off it', () => {
  const payloads: [string, boolean][] = [
    ['{"a":1,"b":"x"}', true],
    ['{"a":1,"a":1}', false],
    ['{"a": 1, "a": 2}', false],
    ['{"a":{"b":1,"b":1}}', false],
    ['{"__proto__":{"x":1}}', false],
    ['{"\\u005f_proto__":1}', false],
    ['{"note":"__proto__"}', true],
    ['{"note":"\\"__proto__\\""}', true],
    ['{"1":1,"b":2}', true],
    ['{"b":2,"1":1}', true],
    ['{"a":1.0}', true],
  ];
  for (const [payload, ok] of payloads) {
    assert.equal(accepted(`${HEADER}.${b64(payload)}.${SIGNATURE}`), ok, payload);
    assert.equal(hasDuplicateOrUnsafeKeys(payload), !ok, payload);
  }
});

test('a header refused once is refused again, and a header accepted once does not let a bad one through', () => {
  const payload = b64('{"a":1}');
  for (let i = 0; i < 2; i++) {
    assert.equal(accepted(`${HEADER}.${payload}.${SIGNATURE}`), true);
    assert.equal(accepted(`${b64('{"alg":"HS256","alg":"none"}')}.${payload}.${SIGNATURE}`), false);
    assert.equal(accepted(`${b64('{"alg":"HS256","crit":["x"]}')}.${payload}.${SIGNATURE}`), false);
    assert.equal(accepted(`${b64('{"alg":"HS256","cty":"jwt"}')}.${payload}.${SIGNATURE}`), false);
  }
  // The parts handed on: the header shared and frozen, the payload a fresh object per call.
  const first = checkCompactJws(`${HEADER}.${payload}.${SIGNATURE}`);
  const second = checkCompactJws(`${HEADER}.${payload}.${SIGNATURE}`);
  assert.ok(Object.isFrozen(first.header));
  assert.notEqual(first.payload, second.payload);
  assert.deepEqual(first.payload, { a: 1 });
  assert.equal(first.signingInput, `${HEADER}.${payload}`);
  assert.equal(first.signature, SIGNATURE);
});

test('anything but three non-empty base64url segments is refused before parsing', () => {
  for (const token of ['', 'a.b', 'a.b.c.d', `${HEADER}..${SIGNATURE}`, `${HEADER}.${b64('{}')}.`, ` ${HEADER}.${b64('{}')}.${SIGNATURE}`,
    `${HEADER}.${b64('{}')}.${SIGNATURE}\n`, `${HEADER}.${b64('{}')}=.${SIGNATURE}`, `${HEADER}.${b64('[]')}.${SIGNATURE}`]) {
    assert.equal(accepted(token), false, JSON.stringify(token));
  }
});
