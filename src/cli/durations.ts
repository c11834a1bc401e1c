import { parseDuration } from '../settings/index.js';
import { CommandError } from './errors.js';

/** The instant `value` (a duration: 3600, 90m, 1h, 30d) before now; a usage error naming `option` otherwise. */
export function instantAgo(option: string, value: string): Date {
  let seconds: number;
  try {
    seconds = parseDuration(value);
  } catch (error) {
    throw new CommandError(`${option}: ${(error as Error).message}`, 2);
  }
  return new Date(Date.now() - seconds * 1000);
}
