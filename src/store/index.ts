export { openDatabase, type Database } from './database.js';
export { migrate, CORE_MIGRATIONS, type MigrationReport } from './migrate.js';
export type { CoreSchema, UserTable, OutstandingTokenTable, BlacklistedTokenTable, AuthTokenTable, SessionTable } from './schema.js';
export { AuthTokenRepository, generateAuthTokenKey, type AuthToken } from './auth-tokens.js';
export { SessionRepository, type StoredSession } from './sessions.js';
export { UserRepository, UsernameTakenError, USERNAME_PATTERN, type User, type NewUser } from './users.js';
export { TokenBlacklistRepository, type OutstandingToken } from './token-blacklist.js';
export { openStore, type Store } from './store.js';
