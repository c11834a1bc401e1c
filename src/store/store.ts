import { openDatabase, type Database, type DatabaseOptions } from './database.js';
import { AuthTokenRepository } from './auth-tokens.js';
import { migrate, type MigrationSet } from './migrate.js';
import { PasskeyChallengeRepository } from './passkey-challenges.js';
import { PasskeyRepository } from './passkeys.js';
import type { CoreSchema } from './schema.js';
import { SessionRepository } from './sessions.js';
import { TokenBlacklistRepository } from './token-blacklist.js';
import { TokenFamilyRepository } from './token-families.js';
import { TwoFactorRepository } from './two-factor.js';
import { UserRepository } from './users.js';
import { GroupRepository } from './groups.js';
import { PermissionRepository } from './permissions.js';
import { UserFieldsRepository } from './user-fields.js';

/** The database and the repositories over it: what the layers above are handed. */
export interface Store {
  database: Database<CoreSchema>;
  users: UserRepository;
  tokens: TokenBlacklistRepository;
  /** Refresh token families: the sessions of `/api/sessions/`. */
  families: TokenFamilyRepository;
  /** DRF's `authtoken_token` keys. */
  authTokens: AuthTokenRepository;
  /** Django's `django_session` rows. */
  sessions: SessionRepository;
  /** The second factor: TOTP devices, recovery codes, answered login challenges. */
  twoFactor: TwoFactorRepository;
  /** Django's groups (`auth_group`) and who is in them. */
  groups: GroupRepository;
  /** Django's permissions (`auth_permission`), users' own, and a user's effective ones. */
  permissions: PermissionRepository;
  /** A custom user model's columns `auth_user` has no place for. */
  userFields: UserFieldsRepository;
  /** Passkeys (WebAuthn credentials) and the challenges of their ceremonies. */
  passkeys: PasskeyRepository;
  passkeyChallenges: PasskeyChallengeRepository;
  /** Applies tessera's migrations, then each set's (each tracked under its owner); answers the names applied. */
  migrate(...sets: MigrationSet[]): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Opens the database at `url` (`sqlite:PATH` or `postgres://...`; pool and timeouts from
 * `options`, see `databaseOptions(settings)`) and builds the repositories; does not migrate by itself.
 */
export function openStore(url: string, options: DatabaseOptions = {}): Store {
  const database = openDatabase<CoreSchema>(url, options);
  return {
    database,
    users: new UserRepository(database.db),
    tokens: new TokenBlacklistRepository(database.db),
    families: new TokenFamilyRepository(database.db),
    authTokens: new AuthTokenRepository(database.db),
    sessions: new SessionRepository(database.db),
    twoFactor: new TwoFactorRepository(database.db),
    groups: new GroupRepository(database.db),
    permissions: new PermissionRepository(database.db),
    userFields: new UserFieldsRepository(database.db),
    passkeys: new PasskeyRepository(database.db),
    passkeyChallenges: new PasskeyChallengeRepository(database.db),
    migrate: async (...sets) => (await migrate(database.db as never, ...sets)).applied,
    close: () => database.close(),
  };
}
