// Public face of the password module: the registry plus the types and helpers
// callers need. Individual hashers stay importable from their own files.
export { createPasswordHashers, type PasswordHashers, type PasswordHashersOptions, type VerifyResult } from './registry.js';
export type { PasswordHasher } from './hasher.js';
export { ARGON2_DEFAULTS, type Argon2Params } from './argon2.js';
export { createPbkdf2Hasher, type Pbkdf2Algorithm, type Pbkdf2Options } from './pbkdf2.js';
export { UNUSABLE_PASSWORD_PREFIX, isUsablePassword, makeUnusablePassword } from './unusable.js';
