/**
 * The contract every Django-compatible password hasher implements. One hasher
 * owns one algorithm name: the text before the first `$` of an encoded value.
 */
export interface PasswordHasher {
  /** Django's algorithm name, e.g. `argon2` or `pbkdf2_sha256`. */
  readonly algorithm: string;
  /** Hash `password` with a fresh random salt and this hasher's current parameters. */
  encode(password: string): Promise<string>;
  /** True when `password` matches `encoded`; false (never a rejection) for a wrong password or a malformed value. */
  verify(password: string, encoded: string): Promise<boolean>;
  /** True when `encoded` is weaker than this hasher's current parameters (or unreadable), so it should be re-hashed. */
  mustUpdate(encoded: string): boolean;
}
