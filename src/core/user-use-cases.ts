import { findLoginUser } from '../auth/index.js';
import type { PasswordHashers } from '../crypto/index.js';
import type { LoginField } from '../settings/index.js';
import type { NewUser, Store, User } from '../store/index.js';
import type { SessionUseCases } from './session-use-cases.js';
import type { CheckCredentials } from './token-use-cases.js';

/** A new user as callers give it: the password in clear, hashed here (off the event loop). */
export type NewUserInput = NewUser;

/** Users, as the CLI, the account flows and applications change them. */
export interface UserUseCases {
  /**
   * Creates the user with the password hashed (Django's format); a taken username is
   * `username_taken`, and with `loginField: 'email'` an email another account holds (any case) `email_taken`.
   */
  create(input: NewUserInput): Promise<User>;
  /** The account a login names (Django's `get_by_natural_key`): by username, or by email in any case with `loginField: 'email'`. */
  findByLogin(login: string): Promise<User | null>;
  /** Django's `authenticate`: the active user whose password this is, else null (in the same time). */
  checkCredentials: CheckCredentials;
  /** Sets a new password and ends every session of the user, on every process (`password_changed`). */
  changePassword(user: User, password: string): Promise<void>;
}

export function userUseCases(deps: {
  store: Store; hashers: PasswordHashers; sessions: SessionUseCases; checkCredentials: CheckCredentials; loginField?: LoginField;
}): UserUseCases {
  const { store, hashers, sessions, checkCredentials } = deps;
  const uniqueEmail = deps.loginField === 'email';
  return {
    create: async (input) => store.users.create({ ...input, password: await hashers.hash(input.password) }, { uniqueEmail }),
    findByLogin: (login) => findLoginUser(store.users, deps.loginField, login),
    checkCredentials,
    changePassword: async (user, password) => {
      await store.users.setPassword(user.id, await hashers.hash(password));
      await sessions.endAll(user.id, { reason: 'password_changed' });
    },
  };
}
