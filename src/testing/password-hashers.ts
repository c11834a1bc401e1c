import { createPasswordHashers, createPbkdf2Hasher, type PasswordHashers } from '../crypto/index.js';

/**
 * Django's `pbkdf2_sha256` with ONE iteration: a real Django format, microseconds per hash, and
 * insecure. Its hashes say so themselves (`pbkdf2_sha256$1$...`); a production tessera verifies
 * such a row once and re-hashes it with argon2 at that login.
 */
export const TEST_HASH_ITERATIONS = 1;

/**
 * Password hashers for tests only: new hashes are 1-iteration PBKDF2; stored hashes of any other
 * Django format (argon2, bcrypt, ... from fixtures) still verify, through the real hashers.
 */
export function testPasswordHashers(): PasswordHashers {
  const fast = createPbkdf2Hasher('pbkdf2_sha256', { iterations: TEST_HASH_ITERATIONS });
  const real = createPasswordHashers();
  let dummy: Promise<string> | undefined;
  const dummyHash = () => (dummy ??= fast.encode('tessera-testing-dummy'));
  return {
    preferred: fast,
    hash: (password) => fast.encode(password),
    async verify(password, encoded) {
      if (typeof password === 'string' && typeof encoded === 'string' && encoded.startsWith(`pbkdf2_sha256$${TEST_HASH_ITERATIONS}$`)) {
        return { valid: await fast.verify(password, encoded), mustUpdate: false };
      }
      // Another format: checked as a production tessera would, and not re-hashed in tests.
      const result = await real.verify(password, encoded);
      return { valid: result.valid, mustUpdate: false };
    },
    async verifyAgainstDummy(password) {
      await fast.verify(typeof password === 'string' ? password : '', await dummyHash()).catch(() => false);
      return false;
    },
    dummyHash,
  };
}
