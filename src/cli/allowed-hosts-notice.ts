import { defaultAllowedHosts, type Settings } from '../settings/index.js';

/** Listening addresses that name no host: clients on other machines use names we cannot guess. */
const EVERY_ADDRESS = new Set(['0.0.0.0', '::']);

/**
 * A line for `serve` to print when it listens on every address with the default `allowedHosts`:
 * a client on another machine names this one by an address or name not in it, and gets 400.
 */
export function allowedHostsNotice(settings: Settings): string | null {
  if (!EVERY_ADDRESS.has(settings.host)) return null;
  if (settings.allowedHosts.join(',') !== defaultAllowedHosts(settings.publicUrl).join(',')) return null;
  return `Listening on every address, but only requests for ${settings.allowedHosts.join(', ')} are answered (others get 400 Bad Request): `
    + 'set TESSERA_ALLOWED_HOSTS to the names clients use.\n';
}
