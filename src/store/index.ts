export {
  openDatabase, databaseOptions, engineOf, engineOfUrl, type Database, type DatabaseEngine, type DatabaseOptions,
} from './database.js';
export { isUnavailableError } from './unavailable.js';
export { writeTransaction } from './write-transaction.js';
export { addIdColumn } from './migrations/columns.js';
export { migrate, CORE_MIGRATIONS, type MigrationReport, type MigrationSet } from './migrate.js';
export type { CoreSchema, GroupTable, PermissionTable, GroupPermissionTable, UserGroupTable, UserPermissionTable, UserFieldsTable, SigningKeyTable, UserTable, OutstandingTokenTable, BlacklistedTokenTable, AuthTokenTable, SessionTable } from './schema.js';
export { AuthTokenRepository, generateAuthTokenKey, type AuthToken } from './auth-tokens.js';
export { SessionRepository, type StoredSession } from './sessions.js';
export { UserRepository, UsernameTakenError, type User, type NewUser, type EmailRule, type SharedEmails } from './users.js';
export { EmailTakenError, EMAIL_TAKEN_MESSAGE, foldEmail } from './emails.js';
export { normalizeUsername, USERNAME_PATTERN } from './usernames.js';
export {
  TokenBlacklistRepository, type OutstandingToken, type OutstandingTokenListing, type BlacklistedTokenListing,
} from './token-blacklist.js';
export { openStore, type Store } from './store.js';
export { UserTokenCutoffRepository } from './user-token-cutoffs.js';
export { SigningKeyRepository, type SigningKeyRow, type SigningKeySummary } from './signing-keys.js';
export { TokenFamilyRepository, type TokenFamily, type Rotation } from './token-families.js';
export type { NewTokenFamily, EndedFamily } from './family-writes.js';
export type { SessionLimit, LimitedStart } from './session-limit.js';
export type { TimedOutRules, TimedOutBatch } from './timed-out-sessions.js';
export {
  toEndReason, isPolicyEndReason, FAMILY_END_REASONS, type FamilyEndReason, type PolicyEndReason,
} from './session-end-reasons.js';
export {
  RedisConnection, redisLocation, DEFAULT_COMMAND_TIMEOUT_MS, REDIS_COOL_DOWN_MS, type RedisState, type RedisLogger, type RedisConnectionOptions,
} from './redis-connection.js';
export { MemoryCounters, RedisCounters, SharedCounters, type Counters, type CounterValue } from './counters.js';
export {
  AuditLog, AUDIT_EVENT_TYPES, type AuditEvent, type AuditEventInput, type AuditEventType, type AuditFilters, type AuditLogOptions,
} from './audit-log.js';
export { TwoFactorRepository, type StoredTotpDevice } from './two-factor.js';
export { GroupRepository, type StoredGroup } from './groups.js';
export { PermissionRepository, type StoredPermission } from './permissions.js';
export { UserFieldsRepository, type UserFields, type UserFieldValue } from './user-fields.js';
export {
  parsePermissionName, permissionNameOf, defaultPermissionTitle, PermissionNameError, type PermissionName,
} from './permission-names.js';
export { PasskeyRepository, type Passkey, type NewPasskey } from './passkeys.js';
export { PasskeyChallengeRepository, type PasskeyChallengePurpose, type UsedChallenge } from './passkey-challenges.js';
