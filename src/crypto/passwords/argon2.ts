import { hash as argon2Hash, verify as argon2Verify, type Algorithm, type Version } from '@node-rs/argon2';
import { decodeBase64, parseIntField, passwordBytes } from './encoding.js';
import type { PasswordHasher } from './hasher.js';
import { makeSalt } from './random.js';

/** Argon2 cost parameters (`m` in KiB, `t` passes, `p` lanes). */
export interface Argon2Params {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

/**
 * Parameters for new hashes and the floor below which a stored hash must be
 * upgraded: OWASP's first argon2id profile (19 MiB, 2 passes, 1 lane).
 */
export const ARGON2_DEFAULTS: Readonly<Argon2Params> = Object.freeze({ memoryCost: 19456, timeCost: 2, parallelism: 1 });

// The binding's Algorithm/Version are `const enum`s with no runtime object, so
// tsx/esbuild cannot inline them; spell the member values out.
const ARGON2ID: Algorithm = 2;
const VERSION_0X13: Version = 1;
const OUTPUT_BYTES = 32;
// 128 bits; the random-byte salts other argon2 tools make are this long.
const MIN_SALT_BYTES = 16;

const ALGORITHM = 'argon2';

// Django stores `argon2` + the PHC string (which itself starts with `$`). Django
// before 1.10 wrote no `v=` segment; that means 0x10, as the binding also reads it.
const PHC = /^\$(argon2id|argon2i|argon2d)\$(?:v=(\d+)\$)?m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

interface Decoded {
  readonly variant: string;
  readonly version: number;
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
  readonly saltBytes: number;
  /** The standard PHC string (`$argon2id$...`) the binding reads. */
  readonly phc: string;
}

function decode(encoded: string): Decoded | null {
  if (!encoded.startsWith(`${ALGORITHM}$`)) return null;
  const rest = encoded.slice(ALGORITHM.length);
  const match = PHC.exec(rest);
  if (match === null) return null;
  const [, variant = '', versionText, mText = '', tText = '', pText = '', saltText = '', hashText = ''] = match;
  const version = versionText === undefined ? 0x10 : parseIntField(versionText, 0x10, 0x13);
  const memoryCost = parseIntField(mText, 1, 2 ** 32 - 1);
  const timeCost = parseIntField(tText, 1, 2 ** 32 - 1);
  const parallelism = parseIntField(pText, 1, 255);
  const salt = decodeBase64(saltText, false);
  const hash = decodeBase64(hashText, false);
  if (version === null || memoryCost === null || timeCost === null || parallelism === null || salt === null || hash === null) {
    return null;
  }
  return { variant, version, memoryCost, timeCost, parallelism, saltBytes: salt.length, phc: rest };
}

/**
 * Create the Django `argon2` hasher. New hashes are argon2id v=19 with `params`
 * (defaults ARGON2_DEFAULTS; lower memory or time costs are refused).
 *
 * mustUpdate compares each parameter against the configured floor instead of
 * Django's "differs from current" rule: Django's own defaults (m=102400, p=8)
 * are stronger in memory than ours and must not be downgraded. It is true when
 * the variant is not argon2id, the version is older than 0x13, m or t is below
 * the configured value, or the salt is under 16 bytes. Parallelism is not
 * compared: more lanes over the same memory do not make a hash weaker.
 */
export function createArgon2Hasher(params: Partial<Argon2Params> = {}): PasswordHasher {
  const memoryCost = params.memoryCost ?? ARGON2_DEFAULTS.memoryCost;
  const timeCost = params.timeCost ?? ARGON2_DEFAULTS.timeCost;
  const parallelism = params.parallelism ?? ARGON2_DEFAULTS.parallelism;
  if (!Number.isInteger(memoryCost) || memoryCost < ARGON2_DEFAULTS.memoryCost || memoryCost > 2 ** 32 - 1) {
    throw new RangeError(`argon2: memoryCost must be an integer >= ${ARGON2_DEFAULTS.memoryCost} KiB`);
  }
  if (!Number.isInteger(timeCost) || timeCost < ARGON2_DEFAULTS.timeCost || timeCost > 2 ** 32 - 1) {
    throw new RangeError(`argon2: timeCost must be an integer >= ${ARGON2_DEFAULTS.timeCost}`);
  }
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 255) {
    throw new RangeError('argon2: parallelism must be an integer in [1, 255]');
  }

  return {
    algorithm: ALGORITHM,
    async encode(password) {
      const bytes = passwordBytes(password);
      if (bytes === null) throw new TypeError('password must be a well-formed string');
      // A Django-style text salt keeps Django's must_update_salt happy if it reads our hashes.
      const phc = await argon2Hash(bytes, {
        algorithm: ARGON2ID,
        version: VERSION_0X13,
        memoryCost,
        timeCost,
        parallelism,
        outputLen: OUTPUT_BYTES,
        salt: Buffer.from(makeSalt(), 'ascii'),
      });
      return ALGORITHM + phc;
    },
    async verify(password, encoded) {
      const decoded = decode(encoded);
      const bytes = passwordBytes(password);
      if (decoded === null || bytes === null) return false;
      try {
        // The binding parses variant and costs from the string and compares in constant time.
        return await argon2Verify(decoded.phc, bytes);
      } catch {
        return false;
      }
    },
    mustUpdate(encoded) {
      const decoded = decode(encoded);
      return (
        decoded === null ||
        decoded.variant !== 'argon2id' ||
        decoded.version < 0x13 ||
        decoded.memoryCost < memoryCost ||
        decoded.timeCost < timeCost ||
        decoded.saltBytes < MIN_SALT_BYTES
      );
    },
  };
}
