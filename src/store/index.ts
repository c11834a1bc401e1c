export { openDatabase, type Database } from './database.js';
export { migrate, CORE_MIGRATIONS, type MigrationReport } from './migrate.js';
export type { CoreSchema, UserTable, OutstandingTokenTable, BlacklistedTokenTable } from './schema.js';
export { UserRepository, UsernameTakenError, USERNAME_PATTERN, type User, type NewUser } from './users.js';
export { TokenBlacklistRepository, type OutstandingToken } from './token-blacklist.js';
export { openStore, type Store } from './store.js';
