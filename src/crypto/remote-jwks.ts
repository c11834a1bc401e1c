import type { Clock, Jwk } from '../settings/index.js';
import { isAsymmetricAlgorithm, pinPublicKey, type PinnedKey } from './keys.js';

export interface RemoteJwksOptions {
  url: string;
  clock: Clock;
  /** Least milliseconds between two fetches after the first (default 60 s). */
  cooldownMs?: number;
  /** Milliseconds one fetch may take (default 5 s). */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  logger?: { warn(message: string): void };
}

/**
 * Another issuer's public keys, from its JWKS URL (`jwkUrl`). Each key is pinned to the `alg` its
 * JWK names (keys without one, or not for signatures, are skipped) and checked against the key's
 * type. A `kid` not in the cache triggers one refetch at most once per cooldown, so a rotation
 * upstream is picked up at once while unknown `kid`s cannot make us hammer the issuer. Only a
 * successful answer replaces the cache; a failure is never remembered beyond its cooldown.
 */
export class RemoteJwks {
  private keys = new Map<string, PinnedKey>();
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | null = null;
  /** Fetches made, for tests and diagnostics. */
  fetches = 0;

  constructor(private readonly options: RemoteJwksOptions) {}

  get(kid: string): PinnedKey | undefined {
    return this.keys.get(kid);
  }

  /** Fetches now unless one is running (then waits for it) or the cooldown has not passed. */
  async refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const now = this.options.clock();
    if (now - this.lastAttempt < (this.options.cooldownMs ?? 60_000)) return;
    this.lastAttempt = now;
    this.inFlight = this.load().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async load(): Promise<void> {
    this.fetches += 1;
    try {
      const response = await (this.options.fetch ?? fetch)(this.options.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      const document = (await response.json()) as { keys?: unknown };
      if (!Array.isArray(document.keys)) throw new Error('answered without a "keys" list');
      const keys = new Map<string, PinnedKey>();
      for (const jwk of document.keys as Record<string, unknown>[]) {
        if (!jwk || typeof jwk !== 'object' || typeof jwk.kid !== 'string' || !isAsymmetricAlgorithm(jwk.alg)) continue;
        if (jwk.use !== undefined && jwk.use !== 'sig') continue;
        try {
          keys.set(jwk.kid, pinPublicKey(jwk.alg, jwk as Jwk, jwk.kid));
        } catch {
          // A key whose type does not fit its alg is not used.
        }
      }
      this.keys = keys;
    } catch (error) {
      this.options.logger?.warn(`JWKS ${this.options.url} could not be read: ${(error as Error).message}`);
    }
  }
}
