import type { PasswordHashers } from '../crypto/index.js';
import type { User, UserRepository } from '../store/index.js';

export interface CredentialsBackend {
  users: UserRepository;
  hashers: PasswordHashers;
}

/**
 * Django's `ModelBackend.authenticate`: the active user whose password matches, else null. An
 * unknown username still runs one hash, so timing does not tell which usernames exist. A hash
 * weaker than today's default is replaced after a successful check.
 */
export async function authenticateCredentials(
  { users, hashers }: CredentialsBackend,
  username: string,
  password: string,
): Promise<User | null> {
  const user = await users.findByUsername(username);
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
