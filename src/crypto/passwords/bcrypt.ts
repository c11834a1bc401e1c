import { createHash } from 'node:crypto';
// bcryptjs (pure JS, async in small slices that yield to the event loop) rather than a native
// binding: @node-rs/bcrypt's per-platform optional packages break `npm ci` on registries that
// lack them. bcrypt only verifies hashes imported from Django; they are rehashed to argon2.
// Loaded with the first bcrypt hash to check, not at start: most servers never see one.
const loadBcrypt = async () => (await import('bcryptjs')).default;
import { passwordBytes } from './encoding.js';
import type { PasswordHasher } from './hasher.js';

/** Django's two bcrypt algorithm names. */
export type BcryptAlgorithm = 'bcrypt_sha256' | 'bcrypt';

/** Parameters for new bcrypt hashes. */
export interface BcryptOptions {
  /** log2 work factor for new hashes; Django's 12 when omitted. */
  readonly rounds?: number;
}

/** Django's bcrypt work factor. */
export const BCRYPT_ROUNDS = 12;

// Modular-crypt bcrypt: `$2b$<cost>$` + 22 salt chars + 31 hash chars.
const MCF = /^\$2[abxy]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/**
 * Create the hasher for Django's `bcrypt_sha256$$2b$12$...` (password is
 * SHA-256 hex-digested first) or plain `bcrypt$$2b$12$...` (raw password,
 * which bcrypt truncates at 72 bytes).
 */
export function createBcryptHasher(algorithm: BcryptAlgorithm = 'bcrypt_sha256', options: BcryptOptions = {}): PasswordHasher {
  const rounds = options.rounds ?? BCRYPT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 4 || rounds > 31) {
    throw new RangeError(`${algorithm}: rounds must be an integer in [4, 31]`);
  }
  const prefix = `${algorithm}$`;

  // Django pre-hashes to dodge bcrypt's 72-byte truncation (Django #20138); it
  // feeds bcrypt the lowercase hex digest, 64 ASCII bytes.
  const input = (password: string): string | null => {
    const bytes = passwordBytes(password);
    if (bytes === null) return null;
    return algorithm === 'bcrypt' ? password : createHash('sha256').update(bytes).digest('hex');
  };

  // The modular-crypt string after `<algorithm>$`, or null if it is not one.
  const decode = (encoded: string): { readonly data: string; readonly cost: number } | null => {
    if (!encoded.startsWith(prefix)) return null;
    const data = encoded.slice(prefix.length);
    const match = MCF.exec(data);
    return match === null ? null : { data, cost: Number(match[1]) };
  };

  return {
    algorithm,
    async encode(password) {
      const bytes = input(password);
      if (bytes === null) throw new TypeError('password must be a well-formed string');
      return prefix + (await (await loadBcrypt()).hash(bytes, rounds));
    },
    async verify(password, encoded) {
      const decoded = decode(encoded);
      const bytes = input(password);
      if (decoded === null || bytes === null) return false;
      try {
        // Re-hashes with the stored salt; bcryptjs compares the results in constant time.
        return await (await loadBcrypt()).compare(bytes, decoded.data);
      } catch {
        return false;
      }
    },
    mustUpdate(encoded) {
      const decoded = decode(encoded);
      return decoded === null || decoded.cost < rounds;
    },
  };
}
