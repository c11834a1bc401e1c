import { TesseraError } from '../errors.js';
import { SecretBox } from './derived-keys.js';
import type { SigningKeyRows, StoredSigningKey } from './keyring.js';

/** HKDF purpose of the key that seals database private keys: no other use shares it. */
const PURPOSE = 'tessera.signing-key-encryption';

/** A private key stored as PEM (never sealed); anything else in the column is sealed. */
export function isSealedPrivateKey(stored: string): boolean {
  return !stored.startsWith('-----BEGIN');
}

/** The keyring's private keys cannot be read with the configured key (a startup error, one line). */
export class KeyEncryptionError extends TesseraError {
  readonly code = 'key_encryption';
  constructor(message: string) {
    super(message);
    this.name = 'KeyEncryptionError';
  }
}

/**
 * Seals and opens database private keys under `keyEncryptionKey` (AES-256-GCM through the TOTP
 * work's `SecretBox`, its key derived with HKDF-SHA256). Without a key it stores PEM as it is and
 * refuses to read sealed rows. Rows stored as PEM always read, so a key can be set before
 * `tessera keys encrypt` seals the rows already there.
 */
export class PrivateKeySealing {
  private readonly box: SecretBox | null;

  constructor(keyEncryptionKey: string) {
    this.box = keyEncryptionKey ? new SecretBox(keyEncryptionKey, PURPOSE) : null;
  }

  get enabled(): boolean {
    return this.box !== null;
  }

  seal(pem: string): string {
    return this.box ? this.box.seal(pem) : pem;
  }

  /** The PEM of `kid`'s stored key; a `KeyEncryptionError` when it is sealed and cannot be opened. */
  open(kid: string, stored: string): string {
    if (!isSealedPrivateKey(stored)) return stored;
    if (!this.box) throw new KeyEncryptionError('signing keys are encrypted; TESSERA_KEY_ENCRYPTION_KEY is not set');
    const pem = this.box.open(stored);
    if (pem === null) throw new KeyEncryptionError(`TESSERA_KEY_ENCRYPTION_KEY does not decrypt key ${kid}`);
    return pem;
  }
}

/** `rows` as PEM to the keyring and key changes, sealed in the database. */
export function sealedSigningKeyRows(rows: SigningKeyRows, sealing: PrivateKeySealing): SigningKeyRows {
  const open = (row: StoredSigningKey): StoredSigningKey => ({ ...row, privatePem: sealing.open(row.kid, row.privatePem) });
  return {
    list: async () => (await rows.list()).map(open),
    insert: (key) => rows.insert({ ...key, privatePem: sealing.seal(key.privatePem) }),
    activate: (kid, at) => rows.activate(kid, at),
    retire: (kid, at) => rows.retire(kid, at),
    revoke: (kid, at) => rows.revoke(kid, at),
    exclusive: (work) => rows.exclusive((locked) => work(sealedSigningKeyRows(locked, sealing))),
  };
}
