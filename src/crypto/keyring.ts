import type { Clock } from '../settings/index.js';
import type { KeySet } from './jwt-codec.js';
import { isAsymmetricAlgorithm, pinPrivateKey, pinPublicKey, type PinnedKey, type PublicJwk } from './keys.js';
import type { RemoteJwks } from './remote-jwks.js';

/** A key of the database keyring (`tessera_signing_key`), as the repository returns it. */
export interface StoredSigningKey {
  kid: string;
  /** An asymmetric algorithm's name; a row with any other is ignored. */
  alg: string;
  privatePem: string;
  createdAt: Date;
  /** When it started signing; null while it waits for `tessera keys rotate`. */
  activatedAt: Date | null;
  /** When it stops verifying; set by the rotation that replaced it. */
  retiresAt: Date | null;
  /** Set by `tessera keys revoke`: from then on it neither signs nor verifies. */
  revokedAt: Date | null;
}

/** What key changes need of the database. */
export interface SigningKeyRows {
  list(): Promise<StoredSigningKey[]>;
  insert(key: StoredSigningKey & { publicJwk: PublicJwk }): Promise<void>;
  activate(kid: string, at: Date): Promise<void>;
  retire(kid: string, at: Date): Promise<void>;
  /** False when `kid` was revoked already. */
  revoke(kid: string, at: Date): Promise<boolean>;
  /** `work` in one transaction no other node's key change interleaves with. */
  exclusive<T>(work: (rows: SigningKeyRows) => Promise<T>): Promise<T>;
}

/**
 * `pending`: generated, published and verifying, not yet signing. `active`: signs new tokens.
 * `retiring`: replaced, still verifies until every token it signed has expired. `retired`: nothing.
 * `revoked`: nothing, at once (`tessera keys revoke`), whatever its dates say.
 */
export type KeyState = 'pending' | 'active' | 'retiring' | 'retired' | 'revoked';

export function keyState(key: Pick<StoredSigningKey, 'activatedAt' | 'retiresAt'> & { revokedAt?: Date | null }, now: number): KeyState {
  if (key.revokedAt) return 'revoked';
  if (key.retiresAt) return key.retiresAt.getTime() <= now ? 'retired' : 'retiring';
  return key.activatedAt && key.activatedAt.getTime() <= now ? 'active' : 'pending';
}

export interface KeyringOptions {
  clock: Clock;
  /** An asymmetric key from settings (`signingKey`/`verifyingKey`), kid = its thumbprint. */
  staticKeys?: PinnedKey[];
  rows?: Pick<SigningKeyRows, 'list'> | null;
  remote?: RemoteJwks | null;
  /** Milliseconds between background reloads of the database keyring (default 5 s: how a revoked key reaches nodes without Redis). */
  reloadEveryMs?: number;
}

/**
 * Every key this tessera signs or verifies with, by `kid`: the database keyring (shared by all
 * nodes), an asymmetric key from settings, and another issuer's JWKS. Reloaded from the database
 * in the background and, at most once per 5 s, when a token names an unknown `kid` (a key rotated
 * on another node).
 */
export class Keyring implements KeySet {
  private stored: { row: StoredSigningKey; key: PinnedKey }[] = [];
  private readonly pinned = new Map<string, PinnedKey>();
  /** Kids another process announced revoked, refused before the next reload shows it. */
  private readonly revokedKids = new Set<string>();
  private lastReload = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: KeyringOptions) {}

  async start(): Promise<void> {
    await this.reload();
    await this.options.remote?.refresh();
    if (this.options.rows) {
      this.timer = setInterval(() => void this.reload().catch(() => {}), this.options.reloadEveryMs ?? 5_000);
      this.timer.unref();
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Reads the database keyring again (keys already parsed are reused). */
  async reload(): Promise<void> {
    if (!this.options.rows) return;
    this.lastReload = Date.now();
    const rows = await this.options.rows.list();
    const stored: { row: StoredSigningKey; key: PinnedKey }[] = [];
    for (const row of rows) {
      if (!isAsymmetricAlgorithm(row.alg)) continue;
      let key = this.pinned.get(row.kid);
      if (!key || key.alg !== row.alg) {
        key = pinPrivateKey(row.alg, row.privatePem, row.kid);
        this.pinned.set(row.kid, key);
      }
      stored.push({ row, key });
    }
    this.stored = stored;
  }

  /** Stops signing and verifying with `kid` at once (a revocation announced by another process). */
  forget(kid: string): void {
    this.revokedKids.add(kid);
  }

  private stateOf(row: StoredSigningKey): KeyState {
    return this.revokedKids.has(row.kid) ? 'revoked' : keyState(row, this.options.clock());
  }

  signingKey(): PinnedKey | null {
    const newest = this.activeEntry();
    if (newest) return newest.key;
    return this.options.staticKeys?.find((key) => key.privatePem) ?? null;
  }

  /** The database key that signs and when it became active; null when none does (a settings key signs). */
  activeKey(): { kid: string; activatedAt: Date } | null {
    const row = this.activeEntry()?.row;
    return row ? { kid: row.kid, activatedAt: row.activatedAt! } : null;
  }

  private activeEntry(): { row: StoredSigningKey; key: PinnedKey } | null {
    let newest: { row: StoredSigningKey; key: PinnedKey } | null = null;
    for (const entry of this.stored) {
      if (this.stateOf(entry.row) !== 'active') continue;
      if (!newest || entry.row.activatedAt!.getTime() > newest.row.activatedAt!.getTime()) newest = entry;
    }
    return newest;
  }

  verifyingKey(kid: string): PinnedKey | undefined {
    const stored = this.stored.find((entry) => entry.row.kid === kid);
    if (stored) return stillVerifies(this.stateOf(stored.row)) ? stored.key : undefined;
    return this.options.staticKeys?.find((key) => key.kid === kid) ?? this.options.remote?.get(kid);
  }

  async refresh(_kid: string): Promise<void> {
    const reloads: Promise<void>[] = [];
    if (this.options.rows && Date.now() - this.lastReload >= 5000) reloads.push(this.reload().catch(() => {}));
    if (this.options.remote) reloads.push(this.options.remote.refresh());
    await Promise.all(reloads);
  }

  /** Public keys of this tessera's own pending, active and retiring keys, for the JWKS document. */
  published(): PublicJwk[] {
    const own = this.stored.filter((entry) => stillVerifies(this.stateOf(entry.row))).map((entry) => entry.key.jwk);
    return [...own, ...(this.options.staticKeys ?? []).map((key) => key.jwk)];
  }
}

function stillVerifies(state: KeyState): boolean {
  return state !== 'retired' && state !== 'revoked';
}

/**
 * Seconds a replaced key keeps verifying: the longest lifetime of any token tessera signs, plus
 * the leeway, plus a minute for nodes that have not yet reloaded the keyring and still sign with
 * the old key.
 */
export function retirementOverlap(settings: {
  accessTokenLifetime: number; refreshTokenLifetime: number; jwtExpirationDelta: number; leeway: number;
}): number {
  return Math.max(settings.accessTokenLifetime, settings.refreshTokenLifetime, settings.jwtExpirationDelta) + settings.leeway + 60;
}

/** The asymmetric key configured in settings (`signingKey` PEM, else `verifyingKey` PEM), pinned to `algorithm`. */
export function settingsKeys(settings: { algorithm: string; signingKey: string; verifyingKey: string }): PinnedKey[] {
  const alg = settings.algorithm;
  if (!isAsymmetricAlgorithm(alg)) return [];
  if (settings.signingKey) return [pinPrivateKey(alg, settings.signingKey)];
  if (settings.verifyingKey) return [pinPublicKey(alg, settings.verifyingKey)];
  return [];
}
