import { createArgon2Hasher, type Argon2Params } from './argon2.js';
import { createBcryptHasher } from './bcrypt.js';
import type { PasswordHasher } from './hasher.js';
import { createMd5Hasher } from './md5.js';
import { createPbkdf2Hasher } from './pbkdf2.js';
import { randomString } from './random.js';
import { createScryptHasher } from './scrypt.js';
import { isUsablePassword } from './unusable.js';

/** Outcome of checking a password against a stored value. */
export interface VerifyResult {
  /** The password matches the stored value. */
  readonly valid: boolean;
  /**
   * Re-hash and store the password now: the stored value uses another algorithm
   * than the preferred one, or weaker parameters. Only ever true when `valid`,
   * since re-hashing needs the correct password.
   */
  readonly mustUpdate: boolean;
}

/** Options for createPasswordHashers. */
export interface PasswordHashersOptions {
  /** Argon2 costs for new hashes; also the floor below which stored argon2 hashes must be upgraded. */
  readonly argon2?: Partial<Argon2Params>;
}

/** Django's make_password/check_password pair over every supported algorithm, preferring argon2. */
export interface PasswordHashers {
  /** The hasher that produces new hashes (argon2). */
  readonly preferred: PasswordHasher;
  /** Hash a password for storage with the preferred hasher and a fresh salt. */
  hash(password: string): Promise<string>;
  /** Check a password against a stored value, like Django's check_password. Never rejects. */
  verify(password: string, encoded: string | null | undefined): Promise<VerifyResult>;
  /** Spend one preferred-hasher verification and answer false: the unknown-user path of a login. Never rejects. */
  verifyAgainstDummy(password: string): Promise<false>;
  /** The cached preferred-algorithm hash that verifyAgainstDummy checks against; call at startup to warm it. */
  dummyHash(): Promise<string>;
}

const INVALID: VerifyResult = Object.freeze({ valid: false, mustUpdate: false });

/** Build the password hashers: argon2 for new hashes; pbkdf2_sha256, pbkdf2_sha1, bcrypt_sha256, bcrypt, scrypt and md5 are verified for upgrade. */
export function createPasswordHashers(options: PasswordHashersOptions = {}): PasswordHashers {
  const preferred = createArgon2Hasher(options.argon2);
  // Non-preferred hashers never encode here and always need an update, so their
  // own cost parameters are irrelevant; defaults are fine.
  const hashers = new Map<string, PasswordHasher>(
    [
      preferred,
      createPbkdf2Hasher('pbkdf2_sha256'),
      createPbkdf2Hasher('pbkdf2_sha1'),
      createBcryptHasher('bcrypt_sha256'),
      createBcryptHasher('bcrypt'),
      createScryptHasher(),
      createMd5Hasher(),
    ].map((hasher) => [hasher.algorithm, hasher]),
  );

  // Django's identify_hasher: the algorithm is the text before the first `$`.
  // (Its unsalted md5/sha1 special cases belong to hashers Django does not
  // install by default, so they are not recognised here either.)
  const identify = (encoded: string): PasswordHasher | undefined => {
    const end = encoded.indexOf('$');
    return end > 0 ? hashers.get(encoded.slice(0, end)) : undefined;
  };

  let dummy: Promise<string> | undefined;
  const dummyHash = (): Promise<string> => {
    // Made once, from a random password nobody knows; forgotten on failure so a
    // transient error does not poison every later call.
    dummy ??= preferred.encode(randomString(40)).catch((err: unknown) => {
      dummy = undefined;
      throw err;
    });
    return dummy;
  };

  return {
    preferred,
    hash(password) {
      return preferred.encode(password);
    },
    async verify(password, encoded) {
      if (typeof password !== 'string' || !isUsablePassword(encoded)) return INVALID;
      const hasher = identify(encoded);
      if (hasher === undefined) return INVALID;
      let valid: boolean;
      try {
        valid = await hasher.verify(password, encoded);
      } catch {
        valid = false;
      }
      if (!valid) return INVALID;
      // Like Django: a different algorithm always upgrades; the preferred one upgrades when it says so.
      const mustUpdate = hasher !== preferred || preferred.mustUpdate(encoded);
      return { valid: true, mustUpdate };
    },
    async verifyAgainstDummy(password) {
      try {
        await preferred.verify(typeof password === 'string' ? password : '', await dummyHash());
      } catch {
        // The point is the time spent, not the answer.
      }
      return false;
    },
    dummyHash,
  };
}
