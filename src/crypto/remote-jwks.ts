import type { AsymmetricAlgorithm, Clock, Jwk } from '../settings/index.js';
import type { KeySet } from './jwt-codec.js';
import { isAsymmetricAlgorithm, pinPublicKey, type PinnedKey } from './keys.js';

export interface RemoteJwksOptions {
  url: string;
  clock: Clock;
  /**
   * Milliseconds an answer is trusted (default 5 min): after that the next token asks the issuer
   * again first, so a key removed upstream stops verifying here within this time.
   */
  ttlMs?: number;
  /** Least milliseconds between two fetches after the first (default 60 s). */
  cooldownMs?: number;
  /** Milliseconds one fetch may take (default 5 s). */
  timeoutMs?: number;
  /** The only algorithms a key may be pinned to (default every asymmetric one); HMAC and `none` never are. */
  algorithms?: readonly AsymmetricAlgorithm[];
  fetch?: typeof globalThis.fetch;
  logger?: { warn(message: string): void };
  /** Told of each failed fetch (`tessera_jwks_fetch_failures_total`). */
  onFetchFailure?: () => void;
}

/** Default milliseconds a JWKS answer is trusted. */
export const DEFAULT_JWKS_TTL_MS = 5 * 60_000;

/**
 * Another issuer's public keys, from its JWKS URL (`jwkUrl`, `tessera/verify`). Each key is pinned
 * to the `alg` its JWK names (keys without one, not for signatures, or outside `algorithms` are
 * skipped) and checked against the key's type. A `kid` not in the cache triggers one refetch at
 * most once per cooldown, so a rotation upstream is picked up at once while unknown `kid`s cannot
 * make us hammer the issuer. An answer is trusted for `ttlMs`: then `get` answers nothing until
 * the caller refreshes (`JwtCodec.prepare` does), so a removed key stops verifying. Only a
 * successful answer replaces the cache; while the issuer cannot be reached, the last keys it
 * published keep verifying (a failure is retried once per cooldown), since not answering is not
 * removing a key.
 */
export class RemoteJwks implements KeySet {
  private keys = new Map<string, PinnedKey>();
  /** When the cache was last replaced by an answer. */
  private loadedAt = Number.NEGATIVE_INFINITY;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  /** When the last fetch that failed started; later than `loadedAt` while the issuer is out of reach. */
  private lastFailure = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | null = null;
  private readonly ttlMs: number;
  private readonly cooldownMs: number;
  /** Fetches made, for tests and diagnostics. */
  fetches = 0;

  constructor(private readonly options: RemoteJwksOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_JWKS_TTL_MS;
    this.cooldownMs = options.cooldownMs ?? 60_000;
  }

  /**
   * The key `kid` names, while the answer holding it is fresh; past `ttlMs`, undefined until a
   * refresh, unless the last attempt failed within the cooldown (then the last keys answer).
   */
  get(kid: string): PinnedKey | undefined {
    return this.mustRefetch(this.options.clock()) ? undefined : this.keys.get(kid);
  }

  /** Past the TTL, unless a fetch failed within the cooldown (the issuer is down: keep what it said last). */
  private mustRefetch(now: number): boolean {
    if (now - this.loadedAt < this.ttlMs) return false;
    return !(this.lastFailure > this.loadedAt && now - this.lastFailure < this.cooldownMs);
  }

  signingKey(): null {
    return null;
  }

  verifyingKey(kid: string): PinnedKey | undefined {
    return this.get(kid);
  }

  /** Fetches now unless one is running (then waits for it) or the cooldown has not passed. */
  async refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const now = this.options.clock();
    // The cooldown spaces fetches for unknown kids and retries; an expired answer is refetched at once.
    if (!this.mustRefetch(now) && now - this.lastAttempt < this.cooldownMs) return;
    this.lastAttempt = now;
    this.inFlight = this.load().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async load(): Promise<void> {
    this.fetches += 1;
    const startedAt = this.lastAttempt;
    try {
      const response = await (this.options.fetch ?? fetch)(this.options.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      const document = (await response.json()) as { keys?: unknown };
      if (!Array.isArray(document.keys)) throw new Error('answered without a "keys" list');
      const allowed = this.options.algorithms;
      const keys = new Map<string, PinnedKey>();
      for (const jwk of document.keys as Record<string, unknown>[]) {
        if (!jwk || typeof jwk !== 'object' || typeof jwk.kid !== 'string' || !isAsymmetricAlgorithm(jwk.alg)) continue;
        if (allowed && !allowed.includes(jwk.alg)) continue;
        if (jwk.use !== undefined && jwk.use !== 'sig') continue;
        try {
          keys.set(jwk.kid, pinPublicKey(jwk.alg, jwk as Jwk, jwk.kid));
        } catch {
          // A key whose type does not fit its alg is not used.
        }
      }
      this.keys = keys;
      this.loadedAt = this.options.clock();
    } catch (error) {
      this.lastFailure = startedAt;
      this.options.onFetchFailure?.();
      this.options.logger?.warn(`JWKS ${this.options.url} could not be read: ${(error as Error).message}`);
    }
  }
}
