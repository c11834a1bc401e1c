import type { PasswordHashers } from '../crypto/index.js';
import type { LoginField } from '../settings/index.js';
import type { User, UserRepository } from '../store/index.js';

export interface CredentialsBackend {
  users: UserRepository;
  hashers: PasswordHashers;
  /** What the login names the account by (`settings.loginField`); `username` when absent. */
  loginField?: LoginField;
}

/**
 * The account a login names (Django's `get_by_natural_key`): by username, or with
 * `loginField: 'email'` by email in any case; null when there is none.
 */
export function findLoginUser(users: UserRepository, loginField: LoginField | undefined, login: string): Promise<User | null> {
  return loginField === 'email' ? users.findByLoginEmail(login) : users.findByUsername(login);
}

/**
 * Django's `ModelBackend.authenticate`: the active user whose password matches, else null. `login`
 * is the username, or the email with `loginField: 'email'`. An unknown account still runs one
 * hash, so timing does not tell which accounts exist. A hash weaker than today's default is
 * replaced after a successful check.
 */
export async function authenticateCredentials(
  { users, hashers, loginField }: CredentialsBackend,
  login: string,
  password: string,
): Promise<User | null> {
  const user = await findLoginUser(users, loginField, login);
  if (!user) {
    await hashers.verifyAgainstDummy(password);
    return null;
  }
  const { valid, mustUpdate } = await hashers.verify(password, user.password);
  if (!valid || !user.isActive) return null;
  // Only over the hash just checked: a reset or change that landed meanwhile must not be undone.
  if (mustUpdate) await users.setPasswordIfUnchanged(user, await hashers.hash(password));
  return user;
}
