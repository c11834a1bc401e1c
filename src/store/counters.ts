import type { Clock } from '../settings/index.js';
import type { RedisConnection } from './redis-connection.js';

/** A counter's value after an increment, and seconds until its window ends and it starts again. */
export interface CounterValue {
  count: number;
  resetInSeconds: number;
}

/**
 * Fixed-window counters, the building block of throttling: the first increment of a key opens a
 * window of `windowSeconds`; later ones count within it; when it ends the key starts again at 1.
 */
export interface Counters {
  increment(key: string, windowSeconds: number): Promise<CounterValue>;
  /** The key's count in its current window without counting, or null when no window is open. */
  peek(key: string): Promise<CounterValue | null>;
  /**
   * Takes one count back from the key's open window (a reservation given back), never below zero
   * and never opening a window. A count taken back just after its window ended lands in the next
   * window, if one has opened: at most one count per request in flight at a window's edge.
   */
  decrement(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

/** Counters of this process only, for setups without Redis (and while Redis is down). */
export class MemoryCounters implements Counters {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private sweptAt = 0;

  constructor(private readonly clock: Clock, private readonly maxKeys = 100_000) {}

  async increment(key: string, windowSeconds: number): Promise<CounterValue> {
    requireWindow(windowSeconds);
    const now = this.clock();
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetInSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)) };
  }

  async peek(key: string): Promise<CounterValue | null> {
    const now = this.clock();
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now) return null;
    return { count: window.count, resetInSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)) };
  }

  async decrement(key: string): Promise<void> {
    const window = this.windows.get(key);
    if (window && window.endsAt > this.clock() && window.count > 0) window.count -= 1;
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  /** Drops ended windows now and then, and the oldest ones past `maxKeys`, so memory stays bounded. */
  private sweep(now: number): void {
    if (now - this.sweptAt >= 1000 || this.windows.size >= this.maxKeys) {
      this.sweptAt = now;
      for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
      for (const key of this.windows.keys()) {
        if (this.windows.size < this.maxKeys) break;
        this.windows.delete(key);
      }
    }
  }
}

/** INCR and, for the window's first hit, PEXPIRE, atomically; answers the count and the time left. */
const INCREMENT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/** DECR only a key whose window is open and whose count is above zero, keeping its expiry. */
const DECREMENT_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return count
`;

/** Counters every process shares, as Redis keys `<prefix>count:<key>` that expire with their window. */
export class RedisCounters implements Counters {
  constructor(private readonly redis: RedisConnection) {}

  async increment(key: string, windowSeconds: number): Promise<CounterValue> {
    requireWindow(windowSeconds);
    const reply = await this.redis.client.eval(INCREMENT_SCRIPT, 1, this.keyFor(key), Math.ceil(windowSeconds * 1000));
    const [count, ttl] = reply as [number, number];
    return { count: Number(count), resetInSeconds: Math.max(1, Math.ceil(Number(ttl) / 1000)) };
  }

  async peek(key: string): Promise<CounterValue | null> {
    const [[, count], [, ttl]] = (await this.redis.client.multi().get(this.keyFor(key)).pttl(this.keyFor(key)).exec()) as [[unknown, string | null], [unknown, number]];
    if (count === null || Number(ttl) <= 0) return null;
    return { count: Number(count), resetInSeconds: Math.max(1, Math.ceil(Number(ttl) / 1000)) };
  }

  async decrement(key: string): Promise<void> {
    await this.redis.client.eval(DECREMENT_SCRIPT, 1, this.keyFor(key));
  }

  async reset(key: string): Promise<void> {
    await this.redis.client.del(this.keyFor(key));
  }

  private keyFor(key: string): string {
    return `${this.redis.prefix}count:${key}`;
  }
}

/**
 * Redis counters while Redis is up, this process's memory counters while it is not (or when a
 * command fails), so throttling never makes a request fail because Redis is down. Counts made
 * in memory during an outage are not carried over to Redis: limits loosen for an outage, never tighten.
 */
export class SharedCounters implements Counters {
  private readonly shared: RedisCounters;
  private readonly local: MemoryCounters;

  constructor(private readonly redis: RedisConnection, clock: Clock) {
    this.shared = new RedisCounters(redis);
    this.local = new MemoryCounters(clock);
  }

  async increment(key: string, windowSeconds: number): Promise<CounterValue> {
    if (this.redis.status() === 'ready') {
      try {
        return await this.shared.increment(key, windowSeconds);
      } catch {
        // fall through to memory
      }
    }
    return this.local.increment(key, windowSeconds);
  }

  async peek(key: string): Promise<CounterValue | null> {
    if (this.redis.status() === 'ready') {
      try {
        return await this.shared.peek(key);
      } catch {
        // fall through to memory
      }
    }
    return this.local.peek(key);
  }

  /** Given back where an increment would go now: across an outage's edge, at most one count per request in flight goes astray. */
  async decrement(key: string): Promise<void> {
    if (this.redis.status() === 'ready') {
      try {
        return await this.shared.decrement(key);
      } catch {
        // fall through to memory
      }
    }
    return this.local.decrement(key);
  }

  async reset(key: string): Promise<void> {
    await this.local.reset(key);
    if (this.redis.status() === 'ready') await this.shared.reset(key).catch(() => undefined);
  }
}

function requireWindow(windowSeconds: number): void {
  if (!(windowSeconds > 0) || !Number.isFinite(windowSeconds)) throw new RangeError('windowSeconds must be a positive number');
}
