/** Django's username rule: 150 characters at most of letters, digits and @ . + - _ */
export const USERNAME_PATTERN = /^[\p{L}\p{N}@.+\-_]{1,150}$/u;

/**
 * Django's `AbstractBaseUser.normalize_username`: NFKC, so that spellings which look alike
 * (`ﬀoo`, fullwidth `ｆｆoo`) are the one name `ffoo`. Applied to every username stored or
 * looked up, before any other check (as Django's `UsernameField` does).
 */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC');
}
