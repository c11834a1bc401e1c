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
  /** The refresh token family (session) this token belongs to; null for tokens from before families. */
  family?: string | null;
  /** Set when rotation issued a successor: the successor's jti. */
  successor_jti?: string | null;
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

/** A refresh token family: one login session on one device. */
export interface TokenFamilyTable {
  id: Generated<number>;
  family: string;
  user_id: number;
  device_name: string;
  user_agent: string;
  ip: string;
  created_at: string;
  last_used_at: string;
  revoked_at: string | null;
  /** Why it ended (`FamilyEndReason`); null while live, or for families ended before reasons were kept. */
  revoked_reason: string | null;
}

/** The signing keyring: one row a key (`tessera keys`); `private_pem` is a private key. */
export interface SigningKeyTable {
  id: Generated<number>;
  kid: string;
  alg: string;
  private_pem: string;
  /** The public JWK as JSON text. */
  public_jwk: string;
  created_at: string;
  activated_at: string | null;
  retires_at: string | null;
  /** Set by `tessera keys revoke`: the key neither signs nor verifies from then on. */
  revoked_at: string | null;
}

/** Tables the core owns; applications add their own (see `src/example/`). */
export interface CoreSchema {
  auth_user: UserTable;
  token_blacklist_outstandingtoken: OutstandingTokenTable;
  token_blacklist_blacklistedtoken: BlacklistedTokenTable;
  authtoken_token: AuthTokenTable;
  django_session: SessionTable;
  tessera_user_token_cutoff: UserTokenCutoffTable;
  tessera_signing_key: SigningKeyTable;
  tessera_token_family: TokenFamilyTable;
}

export type UserRow = Selectable<UserTable>;
export type NewUserRow = Insertable<UserTable>;
