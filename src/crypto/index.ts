export { JwtCodec, codecFromSettings, type JwtCodecOptions, type Claims } from './jwt-codec.js';
export { TokenBackendError } from './errors.js';
export { checkCompactJws, type CompactJws } from './jws-structure.js';
export { resolveSigningKey, SIGNING_KEY_FILE } from './signing-key.js';
export * from './passwords/index.js';
export type { KeySet } from './jwt-codec.js';
export {
  generatePrivateKey, isAsymmetricAlgorithm, pinPrivateKey, pinPublicKey, thumbprint, type PinnedKey, type PublicJwk,
} from './keys.js';
export {
  Keyring, generateSigningKey, keyState, retirementOverlap, rotateSigningKeys, settingsKeys,
  type KeyState, type KeyringOptions, type SigningKeyRows, type StoredSigningKey,
} from './keyring.js';
export { RemoteJwks, type RemoteJwksOptions } from './remote-jwks.js';
export { deriveKey, SecretBox, SignedPayloads } from './derived-keys.js';
