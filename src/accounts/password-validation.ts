import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * Django's default `AUTH_PASSWORD_VALIDATORS` (the four `startproject` writes, in its order),
 * with Django's messages word for word.
 */

/** What the similarity check reads of a user; every attribute is optional. */
export interface PasswordUser {
  username?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
}

/** One of Django's password validators: a message per problem, none when the password passes. */
export interface PasswordValidator {
  readonly name: string;
  validate(password: string, user?: PasswordUser | null): string | null;
}

const MIN_LENGTH = 8;
const MAX_SIMILARITY = 0.7;

/** Django's verbose names for the attributes, as the similarity message shows them. */
const USER_ATTRIBUTES: { key: keyof PasswordUser; verboseName: string }[] = [
  { key: 'username', verboseName: 'username' },
  { key: 'firstName', verboseName: 'first name' },
  { key: 'lastName', verboseName: 'last name' },
  { key: 'email', verboseName: 'email address' },
];

/** Django's `UserAttributeSimilarityValidator(max_similarity=0.7)`. */
export const UserAttributeSimilarityValidator: PasswordValidator = {
  name: 'UserAttributeSimilarityValidator',
  validate(password, user) {
    if (!user) return null;
    const lowered = password.toLowerCase();
    for (const { key, verboseName } of USER_ATTRIBUTES) {
      const value = user[key];
      if (!value || typeof value !== 'string') continue;
      const valueLower = value.toLowerCase();
      // Python's re.split(r'\W+', ...) plus the whole value; for an email also the local part.
      const parts = [...valueLower.split(/[^\p{L}\p{N}_]+/u), valueLower];
      if (key === 'email' && valueLower.includes('@')) parts.push(valueLower.slice(0, valueLower.lastIndexOf('@')));
      for (const part of parts) {
        if (exceedsMaximumLengthRatio(lowered, MAX_SIMILARITY, part)) continue;
        if (quickRatio(lowered, part) >= MAX_SIMILARITY) return `The password is too similar to the ${verboseName}.`;
      }
    }
    return null;
  },
};

/** Django's `MinimumLengthValidator(min_length=8)`; length in code points, as Python's `len`. */
export const MinimumLengthValidator: PasswordValidator = {
  name: 'MinimumLengthValidator',
  validate(password) {
    if ([...password].length >= MIN_LENGTH) return null;
    return `This password is too short. It must contain at least ${MIN_LENGTH} characters.`;
  },
};

/** Django's `CommonPasswordValidator` over Django's own list (see `data/README.md`). */
export const CommonPasswordValidator: PasswordValidator = {
  name: 'CommonPasswordValidator',
  validate(password) {
    return commonPasswords().has(password.toLowerCase().trim()) ? 'This password is too common.' : null;
  },
};

/** Django's `NumericPasswordValidator` (Python's `str.isdigit`: any Unicode digit). */
export const NumericPasswordValidator: PasswordValidator = {
  name: 'NumericPasswordValidator',
  validate(password) {
    return /^[\p{Nd}\u00B2\u00B3\u00B9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247C\u2488-\u2490]+$/u.test(password)
      ? 'This password is entirely numeric.'
      : null;
  },
};

/** The validators `validatePassword` applies, in Django's default order. */
export const DEFAULT_PASSWORD_VALIDATORS: readonly PasswordValidator[] = Object.freeze([
  UserAttributeSimilarityValidator,
  MinimumLengthValidator,
  CommonPasswordValidator,
  NumericPasswordValidator,
]);

/**
 * Django's `validate_password`: every failing validator's message, in order; empty when the
 * password is acceptable.
 */
export function validatePassword(
  password: string,
  user?: PasswordUser | null,
  validators: readonly PasswordValidator[] = DEFAULT_PASSWORD_VALIDATORS,
): string[] {
  const messages: string[] = [];
  for (const validator of validators) {
    const message = validator.validate(password, user);
    if (message) messages.push(message);
  }
  return messages;
}

/**
 * Django's shortcut: a value much shorter than the password can never reach the ratio, so the
 * comparison is skipped (and a long password costs nothing).
 */
function exceedsMaximumLengthRatio(password: string, maxSimilarity: number, value: string): boolean {
  const passwordLength = [...password].length;
  const valueLength = [...value].length;
  return passwordLength >= 10 * valueLength && valueLength < (maxSimilarity / 2) * passwordLength;
}

/**
 * Python's `difflib.SequenceMatcher(a=a, b=b).quick_ratio()`: the two strings as multisets of
 * characters, 2 * |intersection| / (|a| + |b|), and 1.0 for two empty strings.
 */
export function quickRatio(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  const available = new Map<string, number>();
  for (const char of right) available.set(char, (available.get(char) ?? 0) + 1);
  let matches = 0;
  for (const char of left) {
    const count = available.get(char) ?? 0;
    available.set(char, count - 1);
    if (count > 0) matches += 1;
  }
  const length = left.length + right.length;
  return length ? (2 * matches) / length : 1;
}

let commonPasswordSet: Set<string> | null = null;

/**
 * Loaded once, on first use. The path goes up to `accounts/` so that it holds from `src/accounts/`
 * (tsx), `dist/accounts/` and the bundled command in `dist/bin/`.
 */
function commonPasswords(): Set<string> {
  if (!commonPasswordSet) {
    const file = new URL('../accounts/data/common-passwords.txt.gz', import.meta.url);
    const text = gunzipSync(readFileSync(file)).toString('utf8');
    commonPasswordSet = new Set(text.split('\n').map((line) => line.trim()).filter(Boolean));
  }
  return commonPasswordSet;
}
