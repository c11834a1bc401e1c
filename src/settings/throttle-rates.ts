import { DEFAULT_THROTTLE_RATES, THROTTLE_RATE_NAMES, type ThrottleRateName, type ThrottleRates } from './types.js';

/** A DRF rate: `count` requests per `seconds`. */
export interface Rate {
  count: number;
  seconds: number;
}

const PERIODS: Record<string, number> = {
  s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600, d: 86400, day: 86400,
};

/** DRF's `SimpleRateThrottle.parse_rate`: `N/s|sec|m|min|h|hour|d|day`. */
export function parseRate(text: string): Rate {
  const match = /^\s*(\d{1,9})\s*\/\s*([a-z]+)\s*$/.exec(text);
  const seconds = match ? PERIODS[match[2]!] : undefined;
  if (!match || seconds === undefined || Number(match[1]) < 1) {
    throw new Error(`${JSON.stringify(text)} is not a rate; use N/s, N/sec, N/m, N/min, N/h, N/hour, N/d or N/day (N at least 1)`);
  }
  return { count: Number(match[1]), seconds };
}

/**
 * `throttleRates`: a JSON object (or its text, from the environment) of rate names to rates or
 * null; names it leaves out keep their defaults.
 */
export function parseThrottleRates(value: unknown): ThrottleRates {
  let object = value;
  if (typeof value === 'string') {
    try {
      object = JSON.parse(value);
    } catch {
      throw new Error('is not a JSON object of rates, e.g. {"login_ip": "20/min"}');
    }
  }
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw new Error('is not a JSON object of rates, e.g. {"login_ip": "20/min"}');
  }
  const rates: ThrottleRates = { ...DEFAULT_THROTTLE_RATES };
  for (const [name, rate] of Object.entries(object)) {
    if (!(THROTTLE_RATE_NAMES as readonly string[]).includes(name)) {
      throw new Error(`${JSON.stringify(name)} is not a rate name; known names are ${THROTTLE_RATE_NAMES.join(', ')}`);
    }
    if (rate === null) {
      rates[name as ThrottleRateName] = null;
      continue;
    }
    if (typeof rate !== 'string') throw new Error(`${name}: ${JSON.stringify(rate)} is not a rate`);
    try {
      parseRate(rate);
    } catch (error) {
      throw new Error(`${name}: ${(error as Error).message}`);
    }
    rates[name as ThrottleRateName] = rate;
  }
  return rates;
}
