/** The proxy's half: one refresher for this process, keyed by refresh token (src/web/refresh-once-per-wave.ts). */
import { cookieHandOver, type CookieHandOff } from '../../../src/web/index.js';
import { clientIp } from './client-ip.js';
import { tessera } from './tessera.js';

let handOff: CookieHandOff | undefined;

/** `cookieHandOver` for this bundle's tessera, made once so every request shares its waves. */
export async function handOffOnce(): Promise<CookieHandOff> {
  const core = await tessera();
  handOff ??= cookieHandOver(core, { getClientIp: clientIp });
  return handOff;
}
