import type { Clock } from '../settings/index.js';

/** A clock that stands still until moved: pass it as `createTessera({ clock })`. */
export interface TestClock extends Clock {
  /** Moves time forward (or back, with a negative number) by `seconds`. */
  advance(seconds: number): void;
  /** Sets the time to `date` (a Date, milliseconds since the epoch, or an ISO string). */
  set(date: Date | number | string): void;
  /** The current time as a Date. */
  now(): Date;
}

function millisecondsOf(date: Date | number | string): number {
  const ms = date instanceof Date ? date.getTime() : typeof date === 'number' ? date : Date.parse(date);
  if (!Number.isFinite(ms)) throw new RangeError(`testClock: ${String(date)} is not a date`);
  return ms;
}

/** A frozen clock at `start` (default: the real time now), moved only by `advance` and `set`. */
export function testClock(start: Date | number | string = Date.now()): TestClock {
  let current = millisecondsOf(start);
  const clock = (() => current) as TestClock;
  clock.advance = (seconds) => {
    if (!Number.isFinite(seconds)) throw new RangeError(`testClock.advance: ${seconds} is not a number of seconds`);
    current += seconds * 1000;
  };
  clock.set = (date) => {
    current = millisecondsOf(date);
  };
  clock.now = () => new Date(current);
  return clock;
}
