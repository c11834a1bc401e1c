import { parseCommandArgs } from '../args.js';
import { cliSettings, withTessera } from '../context.js';
import { instantAgo } from '../durations.js';
import { CommandError } from '../errors.js';

const USAGE = 'usage: tessera flushauditlog --older-than DURATION (e.g. 90d)';

/**
 * `tessera flushauditlog --older-than 90d`: deletes the audit events recorded before then, as
 * `flushexpiredtokens` does expired tokens (run it from cron the same way). The age is required:
 * nothing is deleted by default.
 */
export async function flushAuditLog(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('flushauditlog', args, { 'older-than': { type: 'string' } }, true);
  const age = values['older-than'];
  if (positionals.length > 0 || age === undefined) throw new CommandError(USAGE, 2);
  const cutoff = instantAgo('--older-than', age);
  const deleted = await withTessera(cliSettings(), (tessera) => tessera.maintenance.flushAuditLog(cutoff));
  process.stdout.write(`Deleted ${deleted} audit event${deleted === 1 ? '' : 's'} older than ${age.trim()}.\n`);
}
