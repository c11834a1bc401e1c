import { Throttled } from '../errors.js';
import { parseRate, type Rate, type Settings, type ThrottleRateName } from '../settings/index.js';
import type { Counters } from '../store/index.js';
import type { TesseraMetrics } from '../telemetry/index.js';

/** What a request can be throttled as (a route's `config.throttle`). */
export type ThrottleScope = 'login' | 'refresh' | 'register' | 'reset';

/**
 * Failed-login counts a login took before its password check: kept when the check fails, given
 * back otherwise. Counting before the check is what bounds a burst: every check in flight holds a
 * count, so no more checks run at once than the limit has left.
 */
export class LoginReservation {
  constructor(private readonly counters: Counters | null, private keys: readonly string[]) {}

  /** The attempt did not fail (a login, a malformed body, an error): its counts go back, once. */
  async giveBack(): Promise<void> {
    const keys = this.keys;
    this.keys = [];
    if (this.counters) await Promise.all(keys.map((name) => this.counters!.decrement(name)));
  }
}

const NOTHING_RESERVED = new LoginReservation(null, []);

/**
 * Throttling from the shared counters (fixed windows; Redis-wide when configured):
 * `<scope>_ip` and `<scope>_account` count every request of the scope, except `login_ip` and
 * `login_account_failures`, which count failed logins per IP and per account: each login takes a
 * count before its password is checked and gives it back unless the check fails, so a limit
 * holds under any burst, on one process or many. The window is fixed and expires by itself, so an
 * attacker cannot lock an account for longer than one window without failing again; per-IP
 * limits are separate keys, so one IP's throttle never blocks another's.
 */
export class Throttle {
  private readonly rates = new Map<ThrottleRateName, Rate>();

  constructor(
    private readonly counters: Counters,
    settings: Pick<Settings, 'throttleEnabled' | 'throttleRates'>,
    private readonly metrics: Pick<TesseraMetrics, 'throttled'> | null = null,
  ) {
    if (!settings.throttleEnabled) return;
    for (const [name, text] of Object.entries(settings.throttleRates)) {
      if (typeof text === 'string') this.rates.set(name as ThrottleRateName, parseRate(text));
    }
  }

  get enabled(): boolean {
    return this.rates.size > 0;
  }

  /**
   * Counts this request of `scope` (a login also reserves its failure counts, to settle with the
   * answer); throws `Throttled`, having given back what it reserved, when a limit is reached.
   */
  async check(scope: ThrottleScope, ip: string, account: string | null): Promise<LoginReservation> {
    const waits: number[] = [];
    const reserved: string[] = [];
    const counting = [account === null ? null : this.count(`${scope}_account` as ThrottleRateName, account, waits)];
    if (scope === 'login') {
      // Logins: failures count (per IP and per account), so a busy office behind one address
      // logging in correctly is never throttled, while guessing is.
      counting.push(this.count('login_ip', ip, waits, reserved));
      if (account !== null) counting.push(this.count('login_account_failures', account, waits, reserved));
    } else {
      counting.push(this.count(`${scope}_ip` as ThrottleRateName, ip, waits));
    }
    await Promise.all(counting);
    const reservation = reserved.length > 0 ? new LoginReservation(this.counters, reserved) : NOTHING_RESERVED;
    if (waits.length > 0) {
      await reservation.giveBack();
      throw new Throttled(Math.max(...waits));
    }
    return reservation;
  }

  /** Clears an account's failed logins (after its password is reset). */
  async clearFailures(account: string): Promise<void> {
    await this.counters.reset(key('login_account_failures', account));
  }

  /** Counts one request against `name`'s rate, noting the wait when over it (and the key in `reserved`, if given). */
  private async count(name: ThrottleRateName, id: string, waits: number[], reserved?: string[]): Promise<void> {
    const rate = this.rates.get(name);
    if (!rate) return;
    const counted = key(name, id);
    const value = await this.counters.increment(counted, rate.seconds);
    reserved?.push(counted);
    if (value.count > rate.count) {
      waits.push(value.resetInSeconds);
      this.metrics?.throttled(name);
    }
  }
}

function key(name: string, id: string): string {
  return `throttle:${name}:${id}`;
}
