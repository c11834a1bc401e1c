import type { FastifyRequest } from 'fastify';
import { parseRate, type Rate, type Settings, type ThrottleRateName } from '../settings/index.js';
import { normalizeUsername, type Counters } from '../store/index.js';
import { requestData } from './body.js';

/** What a route can be throttled as (`config.throttle`). */
export type ThrottleScope = 'login' | 'refresh' | 'register' | 'reset';

/** Failed-login statuses: Simple JWT's 401, DRF's and drf-jwt's 400 `non_field_errors`. */
export const LOGIN_FAILURE_STATUSES: ReadonlySet<number> = new Set([400, 401]);

/**
 * DRF's `Throttled`: 429 `{"detail": "Request was throttled. Expected available in N seconds."}`
 * with `Retry-After: N`. `statusCode` makes the error handler answer it with this detail.
 */
export class Throttled extends Error {
  readonly statusCode = 429;
  constructor(readonly wait: number) {
    super(`Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`);
    this.name = 'Throttled';
  }
}

/**
 * Throttling from the shared counters (fixed windows; Redis-wide when configured):
 * `<scope>_ip` and `<scope>_account` count every request of the scope, except `login_ip` and
 * `login_account_failures`, which count failed logins per IP and per account and, once reached,
 * refuse that IP's or account's logins until the window ends. The window is fixed and expires by itself, so an attacker cannot lock an account
 * for longer than one window without failing again; per-IP limits are separate keys, so one
 * IP's throttle never blocks another's.
 */
export class Throttle {
  private readonly rates = new Map<ThrottleRateName, Rate>();

  constructor(private readonly counters: Counters, settings: Pick<Settings, 'throttleEnabled' | 'throttleRates'>) {
    if (!settings.throttleEnabled) return;
    for (const [name, text] of Object.entries(settings.throttleRates)) {
      if (typeof text === 'string') this.rates.set(name as ThrottleRateName, parseRate(text));
    }
  }

  get enabled(): boolean {
    return this.rates.size > 0;
  }

  /** Counts this request of `scope`; throws `Throttled` when one of its limits is reached. */
  async check(scope: ThrottleScope, ip: string, account: string | null): Promise<void> {
    const waits: number[] = [];
    if (scope === 'login') {
      // Logins: failures count (per IP and per account), so a busy office behind one address
      // logging in correctly is never throttled, while guessing is.
      await this.checkFailures('login_ip', ip, waits);
      if (account !== null) await this.checkFailures('login_account_failures', account, waits);
    } else {
      await this.count(`${scope}_ip` as ThrottleRateName, ip, waits);
    }
    if (account !== null) await this.count(`${scope}_account` as ThrottleRateName, account, waits);
    if (waits.length > 0) throw new Throttled(Math.max(...waits));
  }

  /** Before a Basic authentication attempt: the login limits on failures, per IP and per account. */
  async checkBasic(ip: string, account: string): Promise<void> {
    const waits: number[] = [];
    await this.checkFailures('login_ip', ip, waits);
    await this.checkFailures('login_account_failures', account, waits);
    if (waits.length > 0) throw new Throttled(Math.max(...waits));
  }

  /** A failed login from `ip` for `account` (null when the request named none). */
  async loginFailed(ip: string, account: string | null): Promise<void> {
    const ipRate = this.rates.get('login_ip');
    if (ipRate) await this.counters.increment(key('login_ip', ip), ipRate.seconds);
    const failures = this.rates.get('login_account_failures');
    if (failures && account !== null) await this.counters.increment(key('login_account_failures', account), failures.seconds);
  }

  /** Clears an account's failed logins (after its password is reset). */
  async clearFailures(account: string): Promise<void> {
    await this.counters.reset(key('login_account_failures', account));
  }

  private async count(name: ThrottleRateName, id: string, waits: number[]): Promise<void> {
    const rate = this.rates.get(name);
    if (!rate) return;
    const value = await this.counters.increment(key(name, id), rate.seconds);
    if (value.count > rate.count) waits.push(value.resetInSeconds);
  }

  private async checkFailures(name: 'login_ip' | 'login_account_failures', id: string, waits: number[]): Promise<void> {
    const rate = this.rates.get(name);
    if (!rate) return;
    const value = await this.counters.peek(key(name, id));
    if (value && value.count >= rate.count) waits.push(value.resetInSeconds);
  }
}

function key(name: string, id: string): string {
  return `throttle:${name}:${id}`;
}

/**
 * The account a request names: `username` (normalized, so look-alike spellings of one name share
 * its budget), else `email` (lower-cased), from the body; null if none.
 */
export function accountOf(request: FastifyRequest): string | null {
  const data = requestData(request);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  const { username, email } = data as Record<string, unknown>;
  if (typeof username === 'string' && username.trim() !== '') return normalizeUsername(username.trim()).slice(0, 256);
  if (typeof email === 'string' && email.trim() !== '') return email.trim().toLowerCase().slice(0, 256);
  return null;
}
