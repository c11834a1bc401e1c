export { JwtCodec, type JwtCodecOptions, type Claims } from './jwt-codec.js';
export { TokenBackendError } from './errors.js';
export { resolveSigningKey, SIGNING_KEY_FILE } from './signing-key.js';
export * from './passwords/index.js';
