import {
  generateSigningKey, isSealedPrivateKey, KeyEncryptionError, keyState, retirementOverlap, revokeSigningKey, rotateIfDue,
  rotateSigningKeys, sealedSigningKeyRows, type Keyring, type KeyState, type PrivateKeySealing, type StoredSigningKey,
} from '../crypto/index.js';
import type { AsymmetricAlgorithm, Clock, Settings } from '../settings/index.js';
import type { AuditLog, SigningKeyRepository } from '../store/index.js';
import type { Revocation } from '../tokens/index.js';

/** A database key as operators see it: never its private part. */
export interface SigningKeyInfo {
  kid: string;
  alg: string;
  createdAt: Date;
  state: KeyState;
  /** When a retiring key stops verifying; null until it is replaced. */
  retiresAt: Date | null;
  /** When `tessera keys revoke` revoked it; null for any other key. */
  revokedAt: Date | null;
}

/** Where a key change came from, kept in its audit event (`cli`, `staff`, `schedule`, ...). */
export interface KeyChangeSource {
  source: string;
}

/**
 * The database keyring (`tessera keys`): each change leaves an audit event with the kid and
 * algorithm only, and this process's keyring reloads at once (the others at their next reload, or
 * at once through Redis for a revocation).
 */
export interface KeyUseCases {
  /** A new key for `alg`: active at once when none is, else pending until `rotate`. */
  generate(alg: AsymmetricAlgorithm, from: KeyChangeSource): Promise<SigningKeyInfo>;
  /** The newest pending key (or a new one of `alg`) becomes active; the active ones start retiring. */
  rotate(options: { alg?: AsymmetricAlgorithm }, from: KeyChangeSource): Promise<{ activated: SigningKeyInfo; retiring: SigningKeyInfo[] }>;
  /**
   * `keyRotationInterval`'s step: makes the next key ahead of time, or rotates to it when the active
   * key is due; nothing otherwise (or when the interval is off). Safe on every node at once.
   */
  rotateIfDue(from: KeyChangeSource): Promise<'prepared' | 'rotated' | null>;
  /**
   * Revokes `kid` at once (`UnknownSigningKey` when no key has it): refused here and, through Redis
   * or the keyring's reload, on every node; a signing key is replaced in the same transaction.
   */
  revoke(kid: string, from: KeyChangeSource): Promise<{ revoked: SigningKeyInfo; activated: SigningKeyInfo | null; changed: boolean }>;
  /**
   * Seals every private key stored as PEM under `keyEncryptionKey`, all in one transaction; keys
   * sealed already are checked to open. `KeyEncryptionError` when no key is set or one does not open.
   */
  encrypt(from: KeyChangeSource): Promise<{ encrypted: number; alreadyEncrypted: number }>;
  /** Every database key, oldest first, with its state now. */
  list(): Promise<SigningKeyInfo[]>;
}

export interface KeyUseCaseDeps {
  settings: Settings;
  /** The table as stored (sealed or PEM). */
  rows: SigningKeyRepository;
  sealing: PrivateKeySealing;
  keyring: Keyring;
  audit: AuditLog;
  revocation: Revocation;
  clock: Clock;
}

type KeyDates = Pick<StoredSigningKey, 'kid' | 'alg' | 'createdAt' | 'activatedAt' | 'retiresAt' | 'revokedAt'>;

export function keyUseCases(deps: KeyUseCaseDeps): KeyUseCases {
  const { settings, keyring, audit, clock, sealing } = deps;
  // Key changes see PEM; the table holds what `sealing` makes of it.
  const rows = sealedSigningKeyRows(deps.rows, sealing);
  const summary = (key: KeyDates, now: number): SigningKeyInfo => ({
    kid: key.kid, alg: key.alg, createdAt: key.createdAt, state: keyState(key, now), retiresAt: key.retiresAt, revokedAt: key.revokedAt,
  });
  return {
    generate: async (alg, from) => {
      const now = new Date(clock());
      const key = await generateSigningKey(rows, alg, now);
      await audit.record({ type: 'key_generated', at: now, detail: { kid: key.kid, alg: key.alg, active: key.activatedAt !== null, ...from } });
      await keyring.reload();
      return summary(key, now.getTime());
    },
    rotate: async (options, from) => {
      const now = new Date(clock());
      const { activated, retiring } = await rotateSigningKeys(rows, { now, overlapSeconds: retirementOverlap(settings), ...(options.alg ? { alg: options.alg } : {}) });
      await audit.record({ type: 'key_rotated', at: now, detail: { kid: activated.kid, alg: activated.alg, retiring: retiring.map((key) => key.kid), ...from } });
      await keyring.reload();
      return { activated: summary(activated, now.getTime()), retiring: retiring.map((key) => summary(key, now.getTime())) };
    },
    rotateIfDue: async (from) => {
      if (settings.keyRotationInterval <= 0) return null;
      const now = new Date(clock());
      const change = await rotateIfDue(rows, { now, intervalSeconds: settings.keyRotationInterval, overlapSeconds: retirementOverlap(settings) });
      if (!change) return null;
      if ('prepared' in change) {
        const key = change.prepared;
        await audit.record({ type: 'key_generated', at: now, detail: { kid: key.kid, alg: key.alg, active: false, ...from } });
      } else {
        const { activated, retiring } = change.rotated;
        await audit.record({ type: 'key_rotated', at: now, detail: { kid: activated.kid, alg: activated.alg, retiring: retiring.map((key) => key.kid), ...from } });
      }
      await keyring.reload();
      return 'prepared' in change ? 'prepared' : 'rotated';
    },
    revoke: async (kid, from) => {
      const now = new Date(clock());
      const { revoked, activated, changed } = await revokeSigningKey(rows, kid, now);
      if (changed) {
        await audit.record({ type: 'key_revoked', at: now, detail: { kid, alg: revoked.alg, activated: activated?.kid ?? null, ...from } });
      }
      // Announced even when revoked before: that one may have happened while Redis was down.
      keyring.forget(kid);
      await deps.revocation.announceKeyRevoked(kid);
      await keyring.reload();
      return { revoked: summary(revoked, now.getTime()), activated: activated ? summary(activated, now.getTime()) : null, changed };
    },
    encrypt: async (from) => {
      if (!sealing.enabled) throw new KeyEncryptionError('TESSERA_KEY_ENCRYPTION_KEY is not set: there is no key to encrypt with');
      const now = new Date(clock());
      const counts = await deps.rows.exclusive(async (locked) => {
        let encrypted = 0;
        let alreadyEncrypted = 0;
        for (const row of await locked.list()) {
          if (isSealedPrivateKey(row.privatePem)) {
            // Sealed under another key: refused before anything is written (the transaction rolls back).
            sealing.open(row.kid, row.privatePem);
            alreadyEncrypted += 1;
          } else {
            await locked.replacePrivateKey(row.kid, sealing.seal(row.privatePem));
            encrypted += 1;
          }
        }
        return { encrypted, alreadyEncrypted };
      });
      if (counts.encrypted > 0) await audit.record({ type: 'keys_encrypted', at: now, detail: { count: counts.encrypted, ...from } });
      return counts;
    },
    list: async () => {
      const now = clock();
      // Summaries only: the private keys stay in the database.
      return (await deps.rows.listSummaries()).map((key) => summary(key, now));
    },
  };
}
