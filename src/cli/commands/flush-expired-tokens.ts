import { parseCommandArgs } from '../args.js';
import { cliSettings, withTessera } from '../context.js';

/**
 * `tessera flushexpiredtokens`: ends the sessions that went idle or past their absolute lifetime
 * unnoticed, and deletes outstanding (and blacklisted) tokens past their expiry.
 */
export async function flushExpiredTokens(args: string[]): Promise<void> {
  parseCommandArgs('flushexpiredtokens', args, {});
  const { deletedTokens, endedSessions } = await withTessera(cliSettings(), (tessera) => tessera.maintenance.flushExpiredTokens());
  const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
  process.stdout.write(`Deleted ${plural(deletedTokens, 'expired token')}; ended ${plural(endedSessions, 'timed-out session')}.\n`);
}
