import { randomInt } from 'node:crypto';

// Django's get_random_string alphabet; salts and unusable-password suffixes use it.
export const RANDOM_STRING_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

// Django's BasePasswordHasher.salt_entropy.
const SALT_ENTROPY_BITS = 128;
const BITS_PER_CHAR = Math.log2(RANDOM_STRING_CHARS.length);

/** `length` characters drawn uniformly (CSPRNG, no modulo bias) from RANDOM_STRING_CHARS, like Django's get_random_string. */
export function randomString(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += RANDOM_STRING_CHARS[randomInt(RANDOM_STRING_CHARS.length)];
  return out;
}

/** A fresh salt with at least 128 bits of entropy: 22 alphanumerics, exactly as Django's salt() makes them. */
export function makeSalt(): string {
  return randomString(Math.ceil(SALT_ENTROPY_BITS / BITS_PER_CHAR));
}

/** Django's must_update_salt: true when a salt of `length` characters/bytes carries under 128 bits at log2(62) bits each. */
export function saltTooShort(length: number): boolean {
  return length * BITS_PER_CHAR < SALT_ENTROPY_BITS;
}
