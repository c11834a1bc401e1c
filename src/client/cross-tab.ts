import type { LogoutReason, SessionEndReason } from './types.js';

/**
 * What a tab tells the other tabs of its origin: the pair a refresh gave, or that the session
 * ended. `previous` is the refresh token (or cookie marker) the sender held before, so that a tab
 * acts only on news of its own session and never takes the tokens of another one.
 */
export type TabMessage =
  | { type: 'tokens'; previous: string; access: string; refresh: string | null }
  | { type: 'ended'; previous: string; reason: LogoutReason; ended?: SessionEndReason };

/** On the channel: a TabMessage, or a lock holder saying it changed nothing. */
type WireMessage = TabMessage | { type: 'unchanged' };

/** The tabs of one origin calling one server: one at a time refreshes, and tells the others. */
export interface CrossTab {
  /**
   * Runs `task` while no other tab (nor another client of this page) runs one under the same
   * name; when another one held the lock first, after its news has arrived.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /** Tells every other tab (not this client). */
  tell(message: TabMessage): void;
}

/** The slice of the Web Locks API used here (the Node typecheck has no DOM types). */
interface LockManagerLike {
  request<T>(name: string, callback: (lock: unknown) => Promise<T>): Promise<T>;
  request<T>(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

/**
 * How long a tab that waited for the lock waits for the holder's news. The news left before the
 * lock was released and arrives within milliseconds; it never comes only when the holder's tab
 * closed mid-refresh, and then this tab refreshes itself after this delay.
 */
const HOLDER_GONE_MS = 2000;

/** Where Web Locks or BroadcastChannel are missing (Node, old browsers, insecure origins): this client alone. */
const alone: CrossTab = {
  exclusive: (task) => task(),
  tell: () => undefined,
};

/**
 * A Web Lock and a BroadcastChannel named `name`, when the platform has both (every browser since
 * 2022, in secure contexts); otherwise nothing is shared and each client keeps to itself.
 *
 * A lock's release and the holder's message travel apart, so a tab granted the lock after waiting
 * could read its storage before the news lands there. Hence every holder sends exactly one
 * message (`unchanged` when it has nothing to say), and a tab that had to wait runs its task only
 * once a message sent after it asked has arrived.
 */
export function crossTab(name: string, hear: (message: TabMessage) => void): CrossTab {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (typeof locks?.request !== 'function' || typeof globalThis.BroadcastChannel !== 'function') return alone;
  const channel = new globalThis.BroadcastChannel(name);
  // Node's BroadcastChannel would otherwise keep the process alive.
  (channel as { unref?: () => void }).unref?.();

  /** Messages seen so far (received or sent), and the tabs waiting for the next one. */
  let heard = 0;
  const waiting = new Set<() => void>();
  const count = () => {
    heard++;
    for (const wake of waiting) wake();
  };
  channel.onmessage = (event: { data: unknown }) => {
    const message = wireMessage(event.data);
    if (!message) return;
    if (message.type !== 'unchanged') hear(message);
    count();
  };

  let told = false;
  const post = (message: WireMessage) => {
    told = true;
    channel.postMessage(message);
    count(); // A task of this client waiting behind this one hears it too.
  };
  /** Resolves once more than `seen` messages have been seen, or after HOLDER_GONE_MS. */
  const newsAfter = (seen: number) =>
    new Promise<void>((resolve) => {
      if (heard > seen) return resolve();
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, HOLDER_GONE_MS);
      waiting.add(done);
    });
  const run = async <T>(task: () => Promise<T>): Promise<T> => {
    told = false;
    try {
      return await task();
    } finally {
      if (!told) post({ type: 'unchanged' });
    }
  };

  return {
    async exclusive(task) {
      const seen = heard;
      const free = await locks.request(name, { ifAvailable: true }, async (lock) => (lock ? { value: await run(task) } : null));
      if (free) return free.value;
      return locks.request(name, async () => {
        await newsAfter(seen);
        return run(task);
      });
    },
    tell: post,
  };
}

/** Every LogoutReason (a Record, so that a new reason fails the typecheck until it is listed). */
const REASONS: Record<LogoutReason, true> = { logout: true, expired: true, reused: true, revoked: true };
const SESSION_END_REASONS: Record<SessionEndReason, true> = { expired: true, idle: true, evicted: true };

/** A message of this protocol, or null: any script of the origin can post on the channel. */
function wireMessage(data: unknown): WireMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const { type, previous, access, refresh, reason, ended } = data as Record<string, unknown>;
  if (type === 'unchanged') return { type };
  if (typeof previous !== 'string') return null;
  if (type === 'tokens' && typeof access === 'string' && (typeof refresh === 'string' || refresh === null)) {
    return { type, previous, access, refresh };
  }
  if (type === 'ended' && typeof reason === 'string' && Object.hasOwn(REASONS, reason)) {
    const why = typeof ended === 'string' && Object.hasOwn(SESSION_END_REASONS, ended) ? { ended: ended as SessionEndReason } : {};
    return { type, previous, reason: reason as LogoutReason, ...why };
  }
  return null;
}
