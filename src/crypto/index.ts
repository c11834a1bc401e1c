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
  Keyring, keyState, retirementOverlap, settingsKeys,
  type KeyState, type KeyringOptions, type SigningKeyRows, type StoredSigningKey,
} from './keyring.js';
export {
  generateSigningKey, preparationLead, revokeSigningKey, rotateIfDue, rotateSigningKeys, UnknownSigningKey,
  type KeyRevocation, type Rotation, type ScheduledKeyChange,
} from './keyring-changes.js';
export { RemoteJwks, type RemoteJwksOptions } from './remote-jwks.js';
export { deriveKey, SecretBox, SignedPayloads } from './derived-keys.js';
export { isSealedPrivateKey, KeyEncryptionError, PrivateKeySealing, sealedSigningKeyRows } from './key-encryption.js';
