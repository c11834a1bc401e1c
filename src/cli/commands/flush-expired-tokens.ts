import { cliSettings, withTessera } from '../context.js';

/** `tessera flushexpiredtokens`: deletes outstanding (and blacklisted) tokens past their expiry. */
export async function flushExpiredTokens(): Promise<void> {
  const deleted = await withTessera(cliSettings(), (tessera) => tessera.maintenance.flushExpiredTokens());
  process.stdout.write(`Deleted ${deleted} expired token${deleted === 1 ? '' : 's'}.\n`);
}
