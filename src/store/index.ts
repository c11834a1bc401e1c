export {
  openDatabase, databaseOptions, engineOf, engineOfUrl, type Database, type DatabaseEngine, type DatabaseOptions,
} from './database.js';
export { isUnavailableError } from './unavailable.js';
export { writeTransaction } from './write-transaction.js';
export { addIdColumn } from './migrations/columns.js';
export { migrate, CORE_MIGRATIONS, type MigrationReport } from './migrate.js';
export type { CoreSchema, UserTable, OutstandingTokenTable, BlacklistedTokenTable, AuthTokenTable, SessionTable } from './schema.js';
export { AuthTokenRepository, generateAuthTokenKey, type AuthToken } from './auth-tokens.js';
export { SessionRepository, type StoredSession } from './sessions.js';
export { UserRepository, UsernameTakenError, USERNAME_PATTERN, type User, type NewUser } from './users.js';
export { TokenBlacklistRepository, type OutstandingToken } from './token-blacklist.js';
export { openStore, type Store } from './store.js';
export { UserTokenCutoffRepository } from './user-token-cutoffs.js';
export { ExpiringSet } from './expiring-set.js';
export { RedisConnection, redisLocation, type RedisState, type RedisLogger, type RedisConnectionOptions } from './redis-connection.js';
export {
  Revocation, issuedBeforeCutoff, type RevocationOptions, type TokenBlacklist, type UserCutoffs,
} from './revocation.js';
export { MemoryCounters, RedisCounters, SharedCounters, type Counters, type CounterValue } from './counters.js';
export { openSharedState, type SharedState, type SharedStateOptions } from './shared-state.js';
