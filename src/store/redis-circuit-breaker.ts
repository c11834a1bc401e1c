import type { Redis } from 'ioredis';

/** ioredis's rejection of a command that had no reply within `commandTimeout` (its Command.js). */
const COMMAND_TIMED_OUT = 'Command timed out';

export interface CircuitBreakerOptions {
  /** How long Redis is left alone after a timeout before one probe asks it again, in ms. */
  coolDownMs: number;
  /** Asks Redis once (bounded by the command timeout); true when it answered. */
  probe: () => Promise<boolean>;
  /** A probe was answered: Redis may be used again. */
  onRecovered: () => void;
}

/**
 * A frozen Redis (connection open, no replies) makes every command wait its whole timeout, so
 * a request sending two commands would wait two. One timeout opens the breaker: Redis counts as
 * unavailable without being asked, so the rest of that request and every later one fall back at
 * once; after the cool-down a single probe, in the background, closes it or opens it again.
 */
export class CircuitBreaker {
  private opened = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: CircuitBreakerOptions) {}

  /** True from a timeout until a probe (or a fresh connection) shows Redis answers again. */
  get isOpen(): boolean {
    return this.opened;
  }

  /** A command timed out. While open (the probe's own timeout included) the probe in progress decides. */
  trip(): void {
    if (this.opened) return;
    this.opened = true;
    this.scheduleProbe();
  }

  /** Redis answered a new connection's handshake: no probe needed. */
  reset(): void {
    this.opened = false;
    this.stop();
  }

  /** Cancels a pending probe (on close). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private scheduleProbe(): void {
    this.timer = setTimeout(() => void this.probe(), this.options.coolDownMs);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    this.timer = null;
    const answered = await this.options.probe();
    if (!this.opened) return; // reset meanwhile by a reconnection
    if (!answered) {
      this.scheduleProbe();
      return;
    }
    this.opened = false;
    this.options.onRecovered();
  }
}

/**
 * Calls `onTimeout` whenever a command of `client` times out. ioredis has no event for it, and
 * callers (revocation, counters) send commands on `client` directly, so the watch sits where
 * ioredis sends every command, pipelines and transactions included.
 */
export function watchCommandTimeouts(client: Redis, onTimeout: () => void): void {
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command, ...rest) => {
    const sent = send(command, ...rest);
    // Runs before the caller's own handler (attached later, further down the chain), so the
    // caller's next command already sees the breaker open.
    command.promise.catch((error: unknown) => {
      if (error instanceof Error && error.message === COMMAND_TIMED_OUT) onTimeout();
    });
    return sent;
  };
}
