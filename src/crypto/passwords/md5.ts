import { createHash } from 'node:crypto';
import { bytesEqual } from './compare.js';
import { passwordBytes } from './encoding.js';
import type { PasswordHasher } from './hasher.js';

const ALGORITHM = 'md5';
// Django writes hexdigest(): 32 lowercase hex digits, compared as text.
const HEX_DIGEST = /^[0-9a-f]{32}$/;

/**
 * Create the verify-only hasher for Django's salted `md5$<salt>$<hexdigest>`
 * (md5 of salt + password). It exists so legacy rows can still log in once
 * and be upgraded: it never produces hashes and always asks for an update.
 * Unsalted `md5$$...` is refused, as in Django's default configuration.
 */
export function createMd5Hasher(): PasswordHasher {
  return {
    algorithm: ALGORITHM,
    encode() {
      return Promise.reject(new Error('md5 is too weak to produce new hashes; it is only verified for upgrade'));
    },
    async verify(password, encoded) {
      const parts = encoded.split('$');
      const bytes = passwordBytes(password);
      if (parts.length !== 3 || parts[0] !== ALGORITHM || bytes === null) return false;
      const [, salt = '', hex = ''] = parts;
      if (salt.length === 0 || !HEX_DIGEST.test(hex)) return false;
      // One MD5 block is microseconds of work, so the synchronous hash cannot stall the loop.
      const digest = createHash('md5').update(Buffer.from(salt, 'utf8')).update(bytes).digest();
      return bytesEqual(digest, Buffer.from(hex, 'hex'));
    },
    mustUpdate() {
      return true;
    },
  };
}
