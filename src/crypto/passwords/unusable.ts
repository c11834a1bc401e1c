import { randomString } from './random.js';

/** Marks a value that no password can match (Django's UNUSABLE_PASSWORD_PREFIX); no hasher's output starts with it. */
export const UNUSABLE_PASSWORD_PREFIX = '!';

// Django's UNUSABLE_PASSWORD_SUFFIX_LENGTH: the random tail keeps unusable values
// distinct, so they never reveal which accounts share the state (Django #20079).
const UNUSABLE_PASSWORD_SUFFIX_LENGTH = 40;

/** False for Django's unusable marker (`!...`) and for a missing value; true otherwise, even if it is not a valid hash. */
export function isUsablePassword(encoded: string | null | undefined): encoded is string {
  // Django treats None as "usable" for historical reasons, then fails to verify
  // it; answering false directly is the same outcome and easier to reason about.
  return typeof encoded === 'string' && !encoded.startsWith(UNUSABLE_PASSWORD_PREFIX);
}

/** A fresh unusable password: `!` followed by 40 random alphanumerics, as Django's make_password(None) makes. */
export function makeUnusablePassword(): string {
  return UNUSABLE_PASSWORD_PREFIX + randomString(UNUSABLE_PASSWORD_SUFFIX_LENGTH);
}
