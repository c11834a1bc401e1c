import type { Credentials } from '../core/index.js';
import type { LoginField } from '../settings/index.js';
import { charField, type Field } from './fields.js';

/**
 * The login's field of a credentials body, as Simple JWT names it after `USERNAME_FIELD`:
 * `{username}` or, with `loginField: 'email'`, `{email}` (a CharField either way, as there, so
 * a malformed address is simply an account that does not exist). Spread before `password`.
 */
export function loginFieldOf(loginField: LoginField): Record<string, Field<string>> {
  return { [loginField]: charField() };
}

/** The credentials a body validated with `loginFieldOf` names. */
export function credentialsIn(cleaned: Readonly<Record<string, unknown>>, loginField: LoginField, password: string): Credentials {
  const login = String(cleaned[loginField]);
  return loginField === 'email' ? { email: login, password } : { username: login, password };
}
