/**
 * `tessera/verify`: for the other services of a system (resource servers, workers) that accept
 * tessera's access tokens without its database: the JWKS with a TTL, keys pinned per `alg`, and
 * the logouts tessera publishes. Loads no database driver and no web framework.
 */
export { createVerifier, type Verifier, type VerifierOptions, type VerifierSource } from './verifier.js';
export { InvalidToken } from '../errors.js';
export type { Claims } from '../crypto/index.js';
export type { AsymmetricAlgorithm } from '../settings/index.js';
