import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * Tables carry Django's names and columns (`auth_user`, Simple JWT's `token_blacklist_*`), so a
 * Django database maps onto tessera's one to one. Dates are ISO-8601 text; booleans are 0/1.
 */
export interface UserTable {
  id: Generated<number>;
  password: string;
  last_login: string | null;
  is_superuser: number;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  is_staff: number;
  is_active: number;
  date_joined: string;
}

export interface OutstandingTokenTable {
  id: Generated<number>;
  user_id: number | null;
  jti: string;
  token: string;
  created_at: string | null;
  expires_at: string;
}

export interface BlacklistedTokenTable {
  id: Generated<number>;
  token_id: number;
  blacklisted_at: string;
}

/** DRF's `authtoken_token`: one 40-hex-character key per user. */
export interface AuthTokenTable {
  key: string;
  user_id: number;
  created: string;
}

/** Django's `django_session`; `session_data` is JSON here, not Django's signed pickle/JSON. */
export interface SessionTable {
  session_key: string;
  session_data: string;
  expire_date: string;
}

/** Per-user revocation cut-offs: tokens of `user_id` issued before `cutoff` are refused. */
export interface UserTokenCutoffTable {
  user_id: number;
  cutoff: string;
}

/** Tables the core owns; applications add their own (see `src/example/`). */
export interface CoreSchema {
  auth_user: UserTable;
  token_blacklist_outstandingtoken: OutstandingTokenTable;
  token_blacklist_blacklistedtoken: BlacklistedTokenTable;
  authtoken_token: AuthTokenTable;
  django_session: SessionTable;
  tessera_user_token_cutoff: UserTokenCutoffTable;
}

export type UserRow = Selectable<UserTable>;
export type NewUserRow = Insertable<UserTable>;
