import { trimOldest } from '../oldest-first.js';

/**
 * A bounded set of keys, each forgotten at its own expiry time (milliseconds on the caller's
 * clock). Past `maxEntries` the least recently used key goes first: forgetting is always safe
 * for revocations, since a key not found here is looked up in the database.
 */
export class ExpiringSet {
  /** Key to expiry; a Map iterates in insertion order, so the first key is the least recently used. */
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  /** Remembers `key` until `expiresAt`; a later expiry for a known key wins. */
  add(key: string, expiresAt: number): void {
    if (expiresAt <= this.now()) return;
    const known = this.entries.get(key);
    this.entries.delete(key);
    this.entries.set(key, known !== undefined && known > expiresAt ? known : expiresAt);
    trimOldest(this.entries, this.maxEntries);
  }

  /** True while `key` is remembered and not expired; a hit makes it the most recently used. */
  has(key: string): boolean {
    const expiresAt = this.entries.get(key);
    if (expiresAt === undefined) return false;
    this.entries.delete(key);
    if (expiresAt <= this.now()) return false;
    this.entries.set(key, expiresAt);
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
