import {
  generateSigningKey, keyState, retirementOverlap, rotateSigningKeys,
  type Keyring, type KeyState,
} from '../crypto/index.js';
import type { AsymmetricAlgorithm, Clock, Settings } from '../settings/index.js';
import type { AuditLog, SigningKeyRepository } from '../store/index.js';

/** A database key as operators see it: never its private part. */
export interface SigningKeyInfo {
  kid: string;
  alg: string;
  createdAt: Date;
  state: KeyState;
  /** When a retiring key stops verifying; null until it is replaced. */
  retiresAt: Date | null;
}

/** Where a key change came from, kept in its audit event (`cli`, `staff`, ...). */
export interface KeyChangeSource {
  source: string;
}

/**
 * The database keyring (`tessera keys`): each change leaves an audit event with the kid and
 * algorithm only, and this process's keyring reloads at once (the others at their next reload).
 */
export interface KeyUseCases {
  /** A new key for `alg`: active at once when none is, else pending until `rotate`. */
  generate(alg: AsymmetricAlgorithm, from: KeyChangeSource): Promise<SigningKeyInfo>;
  /** The newest pending key (or a new one of `alg`) becomes active; the active ones start retiring. */
  rotate(options: { alg?: AsymmetricAlgorithm }, from: KeyChangeSource): Promise<{ activated: SigningKeyInfo; retiring: SigningKeyInfo[] }>;
  /** Every database key, oldest first, with its state now. */
  list(): Promise<SigningKeyInfo[]>;
}

export function keyUseCases(deps: { settings: Settings; rows: SigningKeyRepository; keyring: Keyring; audit: AuditLog; clock: Clock }): KeyUseCases {
  const { settings, rows, keyring, audit, clock } = deps;
  const summary = (key: { kid: string; alg: string; createdAt: Date; activatedAt: Date | null; retiresAt: Date | null }, now: number): SigningKeyInfo => ({
    kid: key.kid, alg: key.alg, createdAt: key.createdAt, state: keyState(key, now), retiresAt: key.retiresAt,
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
    list: async () => {
      const now = clock();
      // Summaries only: the private keys stay in the database.
      return (await rows.listSummaries()).map((key) => summary(key, now));
    },
  };
}
