import { cliSettings, withStore } from '../context.js';

/** `tessera flushexpiredtokens`: deletes outstanding (and blacklisted) tokens past their expiry. */
export async function flushExpiredTokens(): Promise<void> {
  const deleted = await withStore(cliSettings(), (store) => store.tokens.flushExpired(new Date()));
  process.stdout.write(`Deleted ${deleted} expired token${deleted === 1 ? '' : 's'}.\n`);
}
