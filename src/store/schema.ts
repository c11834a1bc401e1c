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

/** Django's `auth_group`. */
export interface GroupTable {
  id: Generated<number>;
  name: string;
}

/** Django's `auth_permission`, its app named in `app_label` where Django has `content_type_id`. */
export interface PermissionTable {
  id: Generated<number>;
  name: string;
  app_label: string;
  codename: string;
}

/** Django's `auth_group_permissions`. */
export interface GroupPermissionTable {
  id: Generated<number>;
  group_id: number;
  permission_id: number;
}

/** Django's `auth_user_groups`. */
export interface UserGroupTable {
  id: Generated<number>;
  user_id: number;
  group_id: number;
}

/** Django's `auth_user_user_permissions`. */
export interface UserPermissionTable {
  id: Generated<number>;
  user_id: number;
  permission_id: number;
}

/** A custom user model's columns `auth_user` lacks: one JSON object per user. */
export interface UserFieldsTable {
  user_id: number;
  fields: string;
}

/** A passkey (WebAuthn credential): base64url id and COSE public key, never a private key. */
export interface PasskeyTable {
  id: Generated<number>;
  user_id: number;
  credential_id: string;
  /** The WebAuthn user handle the authenticator keeps with the credential (base64url, one per user). */
  user_handle: string;
  public_key: string;
  /** bigint: PostgreSQL answers it as a string. */
  counter: number | string;
  /** JSON array of transports (`internal`, `usb`, `hybrid`, ...). */
  transports: string;
  name: string;
  device_type: string;
  backed_up: number;
  created_at: string;
  last_used_at: string | null;
}

/** A WebAuthn challenge waiting for its answer: kept by its SHA-256, deleted when used. */
export interface PasskeyChallengeTable {
  challenge_hash: string;
  /** `register` or `authenticate`. */
  purpose: string;
  /** Whose registration it is; null for a sign-in. */
  user_id: number | null;
  user_handle: string | null;
  expires_at: string;
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
  auth_group: GroupTable;
  auth_permission: PermissionTable;
  auth_group_permissions: GroupPermissionTable;
  auth_user_groups: UserGroupTable;
  auth_user_user_permissions: UserPermissionTable;
  tessera_user_fields: UserFieldsTable;
  tessera_passkey: PasskeyTable;
  tessera_passkey_challenge: PasskeyChallengeTable;
}

export type UserRow = Selectable<UserTable>;
export type NewUserRow = Insertable<UserTable>;
