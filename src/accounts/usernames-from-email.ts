import { randomBytes } from 'node:crypto';
import { foldEmail, normalizeUsername, USERNAME_PATTERN } from '../store/index.js';

const USERNAME_MAX = 150;
const NOT_IN_A_USERNAME = /[^\p{L}\p{N}@.+\-_]/gu;

/**
 * The username of an account registered by email alone (`loginField: 'email'`): the email itself,
 * ASCII lower-cased, as `import-django` stores a Django user whose `USERNAME_FIELD` is `email`, so
 * that every account's username is what its owner signs in with. Characters a username may not
 * hold (Django's `UnicodeUsernameValidator`) are dropped and it is cut to 150; `attempt` > 0 (the
 * name was taken) ends it with a random suffix instead of counting, which a burst could race.
 */
export function usernameFromEmail(email: string, attempt = 0): string {
  const base = normalizeUsername(foldEmail(email)).replace(NOT_IN_A_USERNAME, '') || 'user';
  if (attempt === 0 && USERNAME_PATTERN.test(base)) return base;
  const suffix = `-${randomBytes(4).toString('hex')}`;
  return `${[...base].slice(0, USERNAME_MAX - suffix.length).join('')}${suffix}`;
}
