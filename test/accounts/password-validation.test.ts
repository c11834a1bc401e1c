import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AccountTokenGenerator, decodeUid, encodeUid, quickRatio, validatePassword } from '../../src/accounts/index.js';
import type { User } from '../../src/store/index.js';

const SHORT = 'This password is too short. It must contain at least 8 characters.';
const COMMON = 'This password is too common.';
const NUMERIC = 'This password is entirely numeric.';

describe("Django's default password validators", () => {
  // Each expected list was printed by Django 3.2.25's validate_password with startproject's validators.
  const cases: [string, { username?: string; email?: string } | null, string[]][] = [
    ['12345', null, [SHORT, COMMON, NUMERIC]],
    ['password', null, [COMMON]],
    ['1234567890', null, [COMMON, NUMERIC]],
    ['qwertyuiop', null, [COMMON]],
    ['shoumitro1', { username: 'shoumitro', email: 'shoumitro@example.com' }, ['The password is too similar to the username.']],
    ['johnsmith9', { username: 'jsmith', email: 'jsmith@example.com' }, ['The password is too similar to the username.']],
    ['smithjohn', { username: 'someone', email: 'john.smith@example.com' }, ['The password is too similar to the email address.']],
    ['x', { username: 'x', email: 'x@example.com' }, ['The password is too similar to the username.', SHORT, COMMON]],
    ['Ab12345678', { username: 'shoumitro', email: 'shoumitro@example.com' }, []],
    ['correct-horse-1', { username: 'horse', email: 'horse@example.com' }, []],
    ['tessera-pass-42', { username: 'alice', email: 'alice@example.com' }, []],
  ];
  for (const [password, user, expected] of cases) {
    test(`${JSON.stringify(password)} for ${user?.username ?? 'no user'}: ${expected.length} message(s)`, () => {
      assert.deepEqual(validatePassword(password, user), expected);
    });
  }

  test('the common list is case- and whitespace-insensitive, as Django compares it', () => {
    assert.deepEqual(validatePassword('  PassWord  '), [COMMON]);
  });

  test('similarity also compares the local part of an email address', () => {
    assert.deepEqual(validatePassword('mary.jane99', { username: 'zz', email: 'mary.jane@example.com' }), [
      'The password is too similar to the email address.',
    ]);
  });

  test('first and last names count, with their verbose names', () => {
    assert.deepEqual(validatePassword('wolfgangus', { firstName: 'Wolfgang' }), ['The password is too similar to the first name.']);
    assert.deepEqual(validatePassword('amadeus-x1', { lastName: 'Amadeus' }), ['The password is too similar to the last name.']);
  });

  test("quick_ratio is difflib's: 2 * multiset matches / total length", () => {
    assert.equal(quickRatio('abcd', 'bcde'), 0.75);
    assert.equal(quickRatio('aab', 'abb'), 2 * 2 / 6);
    assert.equal(quickRatio('', ''), 1);
  });
});

describe("uids and Django's PasswordResetTokenGenerator", () => {
  const user: User = {
    id: 7, username: 'alice', email: 'alice@example.com', password: 'argon2$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    firstName: '', lastName: '', isActive: true, isStaff: false, isSuperuser: false,
    dateJoined: new Date(Date.UTC(2025, 0, 1)), lastLogin: new Date(Date.UTC(2026, 0, 1, 11, 30, 5, 123)),
  };
  let now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const generator = new AccountTokenGenerator({
    secret: 'test-signing-key-that-is-long-enough-for-hs256-0123456789', timeout: 3 * 24 * 3600, clock: () => now,
  });

  test('uids are urlsafe_base64_encode of the id, and decode back', () => {
    assert.equal(encodeUid(1), 'MQ');
    assert.equal(encodeUid(123), 'MTIz');
    assert.equal(decodeUid('MTIz'), 123);
    assert.equal(decodeUid('not base64!'), null);
    assert.equal(decodeUid(Buffer.from('abc').toString('base64url')), null);
  });

  test('tokens are byte for byte what Django 3.2 makes with the same secret', () => {
    // Printed by Django's PasswordResetTokenGenerator with _now() = 2026-01-01 12:00:00.
    assert.equal(generator.makeToken(user), 'd1q6o0-4c246b3595b567b51930deaf73400f11');
    assert.equal(generator.makeToken({ ...user, lastLogin: null }), 'd1q6o0-83eccf781bd2091c282eb3760fc0ebe9');
  });

  test('a token dies when the password, last login or email changes, and after the timeout', () => {
    const token = generator.makeToken(user);
    assert.equal(generator.checkToken(user, token), true);
    assert.equal(generator.checkToken({ ...user, password: 'argon2$other' }, token), false);
    assert.equal(generator.checkToken({ ...user, lastLogin: new Date() }, token), false);
    assert.equal(generator.checkToken({ ...user, email: 'other@example.com' }, token), false);
    assert.equal(generator.checkToken({ ...user, id: 8 }, token), false);
    assert.equal(generator.checkToken(user, `${token}0`), false);
    assert.equal(generator.checkToken(user, 'garbage'), false);
    now += 3 * 24 * 3600 * 1000;
    assert.equal(generator.checkToken(user, token), true, 'still valid at exactly the timeout');
    now += 1000;
    assert.equal(generator.checkToken(user, token), false);
  });
});
