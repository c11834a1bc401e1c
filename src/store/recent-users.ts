import { trimOldest } from '../oldest-first.js';
import type { User } from './users.js';

/** Users remembered at most; past it the oldest read goes first. */
const MAX_USERS = 10_000;

/**
 * Users the authentication path read in the last moment, by id (`userCacheTtl`). An access token
 * is checked against its user on every request, as Simple JWT does; under load that is the same
 * row read thousands of times a second. Every change this process makes through
 * `UserRepository` forgets the user at once; a change made by another process (a CLI command,
 * another worker or node) is seen once the entry is older than the time-to-live, which is
 * shorter than the cut-off poll that carries deactivations and password changes there anyway.
 */
export class RecentUsers {
  private readonly entries = new Map<number, { user: User; readAt: number }>();
  /** Counts changes, so a read that raced a change is not remembered. */
  private changes = 0;

  /** The user read no more than `maxAgeMs` ago, a fresh copy; undefined when there is none. */
  get(id: number, maxAgeMs: number, now: number): User | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (now - entry.readAt < maxAgeMs) return { ...entry.user };
    this.entries.delete(id);
    return undefined;
  }

  /** Where the change counter stood before a read: `remember` only keeps reads no change overtook. */
  mark(): number {
    return this.changes;
  }

  remember(user: User, readAt: number, mark: number): void {
    if (mark !== this.changes) return;
    this.entries.delete(user.id);
    this.entries.set(user.id, { user: { ...user }, readAt });
    trimOldest(this.entries, MAX_USERS);
  }

  /** The user changed (or is gone): forget it, and any read of it still in flight. */
  forget(id: number): void {
    this.changes++;
    this.entries.delete(id);
  }
}
