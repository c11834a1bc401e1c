import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';
import { CircuitBreaker, watchCommandTimeouts } from './redis-circuit-breaker.js';

/** ioredis, loaded when the first connection is made: a server without `redisUrl` never needs it. */
const loadIoredis = (): typeof import('ioredis') => createRequire(import.meta.url)('ioredis') as typeof import('ioredis');

/** Where log lines about Redis go: Fastify's logger fits, and so does `console`. */
export interface RedisLogger {
  warn(message: string): void;
  info(message: string): void;
}

/**
 * `ready`: commands and subscriptions work; `connecting`: not yet up, no failure seen;
 * `down`: unreachable (reconnecting by itself) or, after a command timed out, left alone for a
 * cool-down; `closed`: closed on purpose.
 */
export type RedisState = 'connecting' | 'ready' | 'down' | 'closed';

export interface RedisConnectionOptions {
  /** Prefix of every key and channel (`settings.redisKeyPrefix`). */
  prefix: string;
  logger?: RedisLogger;
  /** Longest wait between reconnection attempts; the first ones come sooner. Default 2000 ms. */
  maxRetryDelayMs?: number;
  /** A command that has no reply by then fails, and Redis is left alone for `coolDownMs`. Default `DEFAULT_COMMAND_TIMEOUT_MS`. */
  commandTimeoutMs?: number;
  /** How long Redis counts as down after a command timed out, before one probe asks again. Default `REDIS_COOL_DOWN_MS`. */
  coolDownMs?: number;
}

/**
 * The longest a request waits on Redis: a reply later than this fails the command, the caller
 * falls back to the database or memory, and the breaker keeps the rest of the request (and every
 * other) from asking again. Well above a healthy Redis's sub-millisecond replies.
 */
export const DEFAULT_COMMAND_TIMEOUT_MS = 500;

/**
 * How long Redis is not asked after a command timed out. Short, so fan-out resumes soon after a
 * stall; long enough that a frozen Redis costs the probe's wait (in the background) a few times a
 * minute, not each request's. Matches the longest wait between reconnection attempts.
 */
export const REDIS_COOL_DOWN_MS = 2000;

/**
 * The Redis link shared by revocation and counters: one connection for commands, one for
 * subscriptions (a subscribed connection can run nothing else). Redis is never required: while
 * it is unreachable commands fail at once (no offline queue) and callers fall back to the
 * database or to memory; both connections reconnect by themselves, with one warning logged
 * when Redis goes away and one info line when it is back. A Redis that stops answering without
 * closing the connection costs one command timeout: the circuit breaker then reports it `down`
 * until a probe gets an answer.
 */
export class RedisConnection {
  readonly prefix: string;
  /**
   * For commands. Its calls reject at once while Redis is down.
   * @internal ioredis's types stay out of the published declarations.
   */
  readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly logger: RedisLogger | null;
  private readonly where: string;
  private readonly commandTimeoutMs: number;
  private readonly coolDownMs: number;
  private readonly breaker: CircuitBreaker;
  private readonly channels = new Map<string, Set<(message: string) => void>>();
  private readonly readyListeners = new Set<() => void>();
  private subscribed = false;
  private announcedDown = false;
  private closed = false;
  private state: RedisState = 'connecting';
  private stateWaiters: (() => void)[] = [];

  constructor(url: string, options: RedisConnectionOptions) {
    this.prefix = options.prefix;
    this.logger = options.logger ?? null;
    this.where = redisLocation(url);
    const maxDelay = options.maxRetryDelayMs ?? 2000;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const common: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: this.commandTimeoutMs,
      connectTimeout: Math.max(1000, maxDelay),
      // 50 ms, 100 ms, 200 ms, ... capped: a restarted Redis is found again within `maxDelay`.
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times - 1, 10), maxDelay),
      // Subscriptions are made again on each `ready` below, where we also learn when they hold.
      autoResubscribe: false,
      lazyConnect: false,
    };
    const { Redis: RedisClient } = loadIoredis();
    this.client = new RedisClient(url, { ...common, connectionName: 'tessera' });
    this.subscriber = new RedisClient(url, { ...common, connectionName: 'tessera-subscriber' });
    this.coolDownMs = options.coolDownMs ?? REDIS_COOL_DOWN_MS;
    this.breaker = new CircuitBreaker({
      coolDownMs: this.coolDownMs,
      probe: () => this.answersPing(),
      onRecovered: () => this.update(),
    });
    watchCommandTimeouts(this.client, () => this.timedOut());
    // A new connection's handshake was answered: whatever froze the old one is gone. Registered
    // before `update` below, so that sees the breaker closed.
    this.client.on('ready', () => this.breaker.reset());
    for (const connection of [this.client, this.subscriber]) {
      connection.on('error', (error: Error) => this.failed(error));
      connection.on('close', () => this.failed(null));
      connection.on('ready', () => this.update());
    }
    this.subscriber.on('ready', () => void this.subscribeAll());
    this.subscriber.on('close', () => {
      this.subscribed = false;
    });
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.channels.get(channel) ?? []) listener(message);
    });
  }

  /** Whether Redis is usable now (`ready`), for `/ready/` and for callers choosing a fallback. */
  status(): RedisState {
    return this.state;
  }

  /** True when Redis answers PING within the command timeout; false at once while the breaker is open; never throws. */
  async ping(): Promise<boolean> {
    return !this.breaker.isOpen && this.answersPing();
  }

  /** Calls `listener` with each message on `prefix + name`, from now on and across reconnections. */
  subscribe(name: string, listener: (message: string) => void): void {
    const channel = this.prefix + name;
    const listeners = this.channels.get(channel) ?? new Set();
    listeners.add(listener);
    this.channels.set(channel, listeners);
    if (this.subscriber.status === 'ready') void this.subscribeAll();
  }

  /** Publishes on `prefix + name`; false (never an error) when Redis is unreachable. */
  async publish(name: string, message: string): Promise<boolean> {
    if (this.state !== 'ready') return false;
    try {
      await this.client.publish(this.prefix + name, message);
      return true;
    } catch {
      return false;
    }
  }

  /** Called each time Redis becomes ready, the first time and after every outage (to catch up). */
  onReady(listener: () => void): void {
    this.readyListeners.add(listener);
  }

  /**
   * Resolves once Redis is ready or is known to be down (or after `timeoutMs`), so a server
   * starts with its subscriptions in place when Redis is there and without delay when it is not.
   */
  async settled(timeoutMs = 2000): Promise<RedisState> {
    if (this.state !== 'connecting') return this.state;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.stateWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.state;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.breaker.stop();
    this.setState('closed');
    await Promise.all([this.client, this.subscriber].map(async (connection) => {
      if (connection.status === 'ready') {
        try {
          await connection.quit();
          return;
        } catch {
          // falls through to disconnect
        }
      }
      connection.disconnect();
    }));
  }

  private async subscribeAll(): Promise<void> {
    const channels = [...this.channels.keys()];
    try {
      if (channels.length > 0) await this.subscriber.subscribe(...channels);
      this.subscribed = true;
    } catch (error) {
      this.failed(error instanceof Error ? error : null);
      return;
    }
    this.update();
  }

  private async answersPing(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  private failed(error: Error | null): void {
    if (this.closed || (error === null && this.state !== 'ready')) return;
    const reason = error ? `: ${describe(error)}` : ': connection closed';
    this.announceDown(`is unreachable${reason}`, 'until it is back (reconnecting by itself)');
    this.setState('down');
  }

  private timedOut(): void {
    if (this.closed) return;
    this.breaker.trip();
    if (this.state !== 'ready') return;
    this.announceDown(`did not answer within ${this.commandTimeoutMs} ms`, `until it answers (asked again every ${this.coolDownMs / 1000} s)`);
    this.setState('down');
  }

  /** One warning an outage, however it shows (and however many times). */
  private announceDown(what: string, until: string): void {
    if (this.announcedDown) return;
    this.announcedDown = true;
    this.logger?.warn(`Redis at ${this.where} ${what}; revocation falls back to the database and counters to memory ${until}`);
  }

  private update(): void {
    if (this.closed) return;
    const up = this.client.status === 'ready' && this.subscriber.status === 'ready' && this.subscribed;
    if (!up || this.breaker.isOpen) return;
    if (this.announcedDown) this.logger?.info(`Redis at ${this.where} is reachable again`);
    this.announcedDown = false;
    const wasReady = this.state === 'ready';
    this.setState('ready');
    if (!wasReady) for (const listener of this.readyListeners) listener();
  }

  private setState(state: RedisState): void {
    this.state = state;
    const waiters = this.stateWaiters;
    this.stateWaiters = [];
    for (const wake of waiters) wake();
  }
}

/** `host:port/db` of a Redis URL: what logs may show (never the user name or password). */
export function redisLocation(url: string): string {
  try {
    const parsed = new URL(url);
    const db = parsed.pathname.replace(/^\//, '');
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || '6379'}${db ? `/${db}` : ''}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** An error's code or message, cut short, without anything from the URL's credentials. */
function describe(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const text = typeof code === 'string' ? code : error.message;
  return text.replace(/\/\/[^@\s]*@/g, '//').slice(0, 200);
}
