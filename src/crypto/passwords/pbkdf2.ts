import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { bytesEqual } from './compare.js';
import { decodeBase64, parseIntField, passwordBytes } from './encoding.js';
import type { PasswordHasher } from './hasher.js';
import { makeSalt, saltTooShort } from './random.js';

// Async only: pbkdf2Sync would stall the event loop for the whole derivation.
const pbkdf2Async = promisify(pbkdf2);

/** Django's two PBKDF2 algorithm names. */
export type Pbkdf2Algorithm = 'pbkdf2_sha256' | 'pbkdf2_sha1';

/** Parameters for new PBKDF2 hashes. */
export interface Pbkdf2Options {
  /** Iterations for new hashes; Django 5.2's default when omitted. */
  readonly iterations?: number;
}

/** Django 5.2's PBKDF2 iteration count (3.2 used 260000; stored hashes keep their own count). */
export const PBKDF2_ITERATIONS = 1_000_000;

// Django derives digest-sized keys (dklen=None), so the stored hash length is fixed per algorithm.
const DIGESTS: Record<Pbkdf2Algorithm, { readonly digest: string; readonly keyLength: number }> = {
  pbkdf2_sha256: { digest: 'sha256', keyLength: 32 },
  pbkdf2_sha1: { digest: 'sha1', keyLength: 20 },
};

// Node rejects iteration counts that do not fit an int32.
const MAX_ITERATIONS = 2 ** 31 - 1;

interface Decoded {
  readonly iterations: number;
  readonly salt: string;
  readonly hash: Buffer;
}

/** Create the hasher for `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>` (or pbkdf2_sha1). */
export function createPbkdf2Hasher(algorithm: Pbkdf2Algorithm = 'pbkdf2_sha256', options: Pbkdf2Options = {}): PasswordHasher {
  const { digest, keyLength } = DIGESTS[algorithm];
  const iterations = options.iterations ?? PBKDF2_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new RangeError(`${algorithm}: iterations must be an integer in [1, ${MAX_ITERATIONS}]`);
  }

  // Django's salt is text and is fed to PBKDF2 as its UTF-8 bytes.
  const derive = (password: Buffer, salt: string, rounds: number): Promise<Buffer> =>
    pbkdf2Async(password, Buffer.from(salt, 'utf8'), rounds, keyLength, digest);

  const decode = (encoded: string): Decoded | null => {
    const parts = encoded.split('$');
    if (parts.length !== 4 || parts[0] !== algorithm) return null;
    const [, iterationsText = '', salt = '', hashText = ''] = parts;
    const rounds = parseIntField(iterationsText, 1, MAX_ITERATIONS);
    const hash = decodeBase64(hashText, true);
    if (rounds === null || salt.length === 0 || hash === null || hash.length !== keyLength) return null;
    return { iterations: rounds, salt, hash };
  };

  return {
    algorithm,
    async encode(password) {
      const bytes = passwordBytes(password);
      if (bytes === null) throw new TypeError('password must be a well-formed string');
      const salt = makeSalt();
      const hash = await derive(bytes, salt, iterations);
      return `${algorithm}$${iterations}$${salt}$${hash.toString('base64')}`;
    },
    async verify(password, encoded) {
      const decoded = decode(encoded);
      const bytes = passwordBytes(password);
      if (decoded === null || bytes === null) return false;
      try {
        return bytesEqual(await derive(bytes, decoded.salt, decoded.iterations), decoded.hash);
      } catch {
        return false;
      }
    },
    mustUpdate(encoded) {
      const decoded = decode(encoded);
      // Weaker means fewer iterations, or a salt too short for 128 bits (Django's must_update_salt).
      return decoded === null || decoded.iterations < iterations || saltTooShort(decoded.salt.length);
    },
  };
}
