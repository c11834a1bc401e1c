/**
 * `tessera/testing` mints tokens without a password and hashes passwords with one PBKDF2
 * iteration: it must never run in production. Imported first by its index, so the refusal comes
 * before anything else of it loads.
 */
export const PRODUCTION_REFUSAL =
  'tessera/testing refuses to load under NODE_ENV=production: it mints tokens without a password and hashes passwords insecurely, for tests only';

if (process.env.NODE_ENV === 'production') throw new Error(PRODUCTION_REFUSAL);
