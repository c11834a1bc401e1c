import { TesseraError } from '../errors.js';
import type { AsymmetricAlgorithm } from '../settings/index.js';
import { generatePrivateKey, isAsymmetricAlgorithm, pinPrivateKey } from './keys.js';
import { keyState, type SigningKeyRows, type StoredSigningKey } from './keyring.js';

/**
 * Changes to the database keyring: generate, rotate (by hand or on a schedule) and revoke. Each
 * reads and writes inside `rows.exclusive`, so two nodes deciding the same change take turns and
 * the later one sees what the earlier did.
 */

/** A new key of `alg`, stored: active at once when `activate`, else pending. */
async function insertKey(rows: SigningKeyRows, alg: AsymmetricAlgorithm, now: Date, activate: boolean): Promise<StoredSigningKey> {
  const privatePem = generatePrivateKey(alg);
  const pinned = pinPrivateKey(alg, privatePem);
  const key: StoredSigningKey = {
    kid: pinned.kid, alg, privatePem, createdAt: now, activatedAt: activate ? now : null, retiresAt: null, revokedAt: null,
  };
  await rows.insert({ ...key, publicJwk: pinned.jwk });
  return key;
}

/** The newest key signing at `now`, or null. */
function newestActive(keys: StoredSigningKey[], now: number): StoredSigningKey | null {
  let newest: StoredSigningKey | null = null;
  for (const key of keys) {
    if (keyState(key, now) !== 'active') continue;
    if (!newest || key.activatedAt!.getTime() > newest.activatedAt!.getTime()) newest = key;
  }
  return newest;
}

/**
 * `tessera keys generate`: a new key for `alg`. It signs at once when no key is active; otherwise it
 * waits (published and verifying) for `tessera keys rotate`.
 */
export async function generateSigningKey(rows: SigningKeyRows, alg: AsymmetricAlgorithm, now: Date): Promise<StoredSigningKey> {
  return rows.exclusive(async (locked) => {
    const hasActive = newestActive(await locked.list(), now.getTime()) !== null;
    return insertKey(locked, alg, now, !hasActive);
  });
}

export interface Rotation {
  activated: StoredSigningKey;
  retiring: StoredSigningKey[];
}

/**
 * `tessera keys rotate`: the newest pending key (or a new one of `alg`, by default the active key's)
 * becomes active; the active ones start retiring and stop verifying after `overlapSeconds`, the
 * longest any token they signed can live.
 */
export async function rotateSigningKeys(
  rows: SigningKeyRows,
  options: { now: Date; overlapSeconds: number; alg?: AsymmetricAlgorithm },
): Promise<Rotation> {
  return rows.exclusive((locked) => rotateLocked(locked, options));
}

async function rotateLocked(rows: SigningKeyRows, options: { now: Date; overlapSeconds: number; alg?: AsymmetricAlgorithm }): Promise<Rotation> {
  const now = options.now.getTime();
  const existing = await rows.list();
  const active = existing.filter((row) => keyState(row, now) === 'active');
  const pending = existing
    .filter((row) => keyState(row, now) === 'pending' && (!options.alg || row.alg === options.alg))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  let next = pending[0];
  if (!next) {
    const alg = options.alg ?? active.map((row) => row.alg).find(isAsymmetricAlgorithm);
    if (!alg) throw new Error('no key to rotate from; run `tessera keys generate --alg ES256` first (or pass --alg)');
    next = await insertKey(rows, alg, options.now, false);
  }
  await rows.activate(next.kid, options.now);
  const retiresAt = new Date(now + options.overlapSeconds * 1000);
  for (const row of active) await rows.retire(row.kid, retiresAt);
  return { activated: { ...next, activatedAt: options.now }, retiring: active.map((row) => ({ ...row, retiresAt })) };
}

/** What a scheduled check did: made the next key ahead of time, rotated to it, or nothing. */
export type ScheduledKeyChange = { prepared: StoredSigningKey } | { rotated: Rotation } | null;

/**
 * Seconds before a scheduled rotation that the next key is made (pending: published in the JWKS
 * and verifying everywhere, not signing), so every node and remote verifier has it before it
 * signs: the retirement overlap, at most half the interval.
 */
export function preparationLead(intervalSeconds: number, overlapSeconds: number): number {
  return Math.min(overlapSeconds, intervalSeconds / 2);
}

/**
 * `keyRotationInterval`: once the active key has signed for the interval, the pending key becomes
 * active (`rotate`); from `preparationLead` before that, a pending key of the active key's
 * algorithm is made when there is none. Decided and written in one exclusive transaction, so any
 * number of nodes checking at once change the keyring once. Nothing when no database key is active.
 */
export async function rotateIfDue(
  rows: SigningKeyRows,
  options: { now: Date; intervalSeconds: number; overlapSeconds: number },
): Promise<ScheduledKeyChange> {
  return rows.exclusive(async (locked) => {
    const now = options.now.getTime();
    const existing = await locked.list();
    const active = newestActive(existing, now);
    if (!active || !isAsymmetricAlgorithm(active.alg)) return null;
    const dueAt = active.activatedAt!.getTime() + options.intervalSeconds * 1000;
    if (now >= dueAt) return { rotated: await rotateLocked(locked, { now: options.now, overlapSeconds: options.overlapSeconds }) };
    const prepareAt = dueAt - preparationLead(options.intervalSeconds, options.overlapSeconds) * 1000;
    const hasPending = existing.some((row) => keyState(row, now) === 'pending');
    if (now >= prepareAt && !hasPending) return { prepared: await insertKey(locked, active.alg, options.now, false) };
    return null;
  });
}

/** What `revokeSigningKey` did. */
export interface KeyRevocation {
  revoked: StoredSigningKey;
  /** False when the key had been revoked before (nothing changed). */
  changed: boolean;
  /** The key that signs in its place when the revoked key was signing: the newest pending one, or a new one. */
  activated: StoredSigningKey | null;
}

/** Thrown for a kid no database key has. */
export class UnknownSigningKey extends TesseraError {
  readonly code = 'unknown_key';
  constructor(readonly kid: string) {
    super(`no signing key has kid ${JSON.stringify(kid)}; tessera keys list shows them`);
    this.name = 'UnknownSigningKey';
  }
}

/**
 * `tessera keys revoke KID`: marks the key revoked (it stops signing and verifying at once). When
 * it was signing, the newest pending key of another kid is activated in the same transaction, else a
 * new key of its algorithm: a keyring never loses its signing key to a revocation. Other active
 * keys (none, normally) are left as they are.
 */
export async function revokeSigningKey(rows: SigningKeyRows, kid: string, now: Date): Promise<KeyRevocation> {
  return rows.exclusive(async (locked) => {
    const at = now.getTime();
    const existing = await locked.list();
    const key = existing.find((row) => row.kid === kid);
    if (!key) throw new UnknownSigningKey(kid);
    const wasSigning = newestActive(existing, at)?.kid === kid;
    const changed = await locked.revoke(kid, now);
    if (!changed) return { revoked: key, changed, activated: null };
    const revoked = { ...key, revokedAt: now };
    if (!wasSigning) return { revoked, changed, activated: null };
    const others = existing.filter((row) => row.kid !== kid);
    const stillActive = newestActive(others, at);
    if (stillActive) return { revoked, changed, activated: null };
    const pending = others.filter((row) => keyState(row, at) === 'pending').sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    if (pending) {
      await locked.activate(pending.kid, now);
      return { revoked, changed, activated: { ...pending, activatedAt: now } };
    }
    if (!isAsymmetricAlgorithm(key.alg)) return { revoked, changed, activated: null };
    return { revoked, changed, activated: await insertKey(locked, key.alg, now, true) };
  });
}
