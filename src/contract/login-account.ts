import type { LoginField } from '../settings/index.js';
import { normalizeUsername, type User } from '../store/index.js';

/** Failed-login statuses: Simple JWT's 401, DRF's and drf-jwt's 400 `non_field_errors`. */
export const LOGIN_FAILURE_STATUSES: ReadonlySet<number> = new Set([400, 401]);

/**
 * The account a request's body names, for the throttle and the audit log: `username`
 * (normalized, so look-alike spellings of one name share its budget), else `email`
 * (lower-cased); null if none. With `loginField: 'email'` the login is `email` (or a form's
 * `username` holding one), lower-cased, so every case of one address shares its budget.
 */
export function accountNamedBy(data: unknown, loginField: LoginField = 'username'): string | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  const { username, email } = data as Record<string, unknown>;
  const named = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
  if (loginField === 'email') {
    const login = named(email) ? email : named(username) ? username : null;
    return login === null ? null : emailAccount(login);
  }
  if (named(username)) return normalizeUsername(username.trim()).slice(0, 256);
  if (named(email)) return emailAccount(email);
  return null;
}

function emailAccount(email: string): string {
  return email.trim().toLowerCase().slice(0, 256);
}

/** The account key of a signed-in user, as their own login names it (`accountNamedBy`'s spelling). */
export function accountOfUser(user: Pick<User, 'username' | 'email'>, loginField: LoginField = 'username'): string {
  return loginField === 'email' ? emailAccount(user.email) : normalizeUsername(user.username).slice(0, 256);
}

/**
 * Whether the body named an account and a password (or a second factor's code): a real
 * credentials check, whose failure counts.
 */
export function namesCredentials(data: unknown, account: string | null): boolean {
  if (account === null || data === null || typeof data !== 'object') return false;
  const body = data as Record<string, unknown>;
  return [body.password, body.code, body.recovery_code].some((value) => typeof value === 'string' && value !== '');
}

/** A Basic login attempt's account, when the header is one. */
export function basicAccount(headers: Readonly<Record<string, string | string[] | undefined>>, loginField: LoginField = 'username'): string | null {
  const header = headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^basic\s+(\S+)\s*$/i.exec(header);
  if (!match) return null;
  const text = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return loginField === 'email' ? emailAccount(text.slice(0, colon)) : normalizeUsername(text.slice(0, colon)).slice(0, 256);
}
