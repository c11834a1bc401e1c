/**
 * The WebAuthn relying party (`webauthnRpId`, `webauthnOrigins`) passkeys are bound to. A browser
 * signs the page's origin and the RP ID's hash into every passkey answer; both must match what
 * the server expects, so a mismatch here would make every passkey fail. Checked at start.
 */
import { isIP } from 'node:net';
import { parseCorsOrigins } from './cors-origins.js';

/** A JSON array, or a comma-separated list from the environment, of origins (scheme://host[:port]). */
export function parseWebauthnOrigins(value: unknown): string[] {
  return parseCorsOrigins(value);
}

/** A domain name (no scheme, port or path), lower-cased; empty for "derive it from publicUrl". */
export function parseRpId(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`${JSON.stringify(value)} is not a domain name`);
  const id = value.trim().toLowerCase();
  if (id === '') return '';
  if (id.includes('/') || id.includes(':')) throw new Error(`${JSON.stringify(value)} is not a domain name: give the host alone (example.com), no scheme, port or path`);
  if (isIP(id)) throw new Error(`${JSON.stringify(value)} is an IP address; browsers accept only a domain name (or localhost) as a passkey's RP ID`);
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(id)) throw new Error(`${JSON.stringify(value)} is not a domain name`);
  return id;
}

/** Hosts a browser treats as secure over plain HTTP, so WebAuthn works there without TLS. */
function isLocalhost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

/** Why `origin` cannot use passkeys of `rpId`, or null when it can. */
export function originProblem(origin: string, rpId: string): string | null {
  const url = new URL(origin);
  const host = url.hostname;
  if (host !== rpId && !host.endsWith(`.${rpId}`)) return `${origin} is not on ${rpId} (its host must be ${rpId} or a subdomain of it)`;
  if (url.protocol !== 'https:' && !isLocalhost(host)) return `${origin} is not https: browsers offer passkeys only on https pages (or localhost)`;
  return null;
}

/**
 * The defaults, which always agree: `publicUrl`'s host and origin when a browser could use
 * passkeys there (an https name, or localhost), else `localhost` and `http://localhost:PORT`,
 * which is where `npm start` is opened on this machine.
 */
export function defaultRelyingParty(publicUrl: string, port: number, rpId: string): { rpId: string; origins: string[] } {
  const url = new URL(publicUrl);
  const host = url.hostname.toLowerCase();
  const usable = !isIP(host.replace(/^\[|\]$/g, '')) && (url.protocol === 'https:' || isLocalhost(host));
  const id = rpId || (usable ? host : 'localhost');
  const origins = [url.origin, `http://localhost:${port}`].filter((origin) => originProblem(origin, id) === null);
  return { rpId: id, origins: [...new Set(origins)] };
}

/** The relying party of settings built without `loadSettings` too (which derives it once): the RP ID and origins to expect. */
export function relyingPartyOf(settings: { publicUrl: string; port: number; webauthnRpId: string; webauthnOrigins: string[] }): { rpId: string; origins: string[] } {
  if (settings.webauthnRpId && settings.webauthnOrigins.length > 0) return { rpId: settings.webauthnRpId, origins: settings.webauthnOrigins };
  const derived = defaultRelyingParty(settings.publicUrl || `http://localhost:${settings.port}`, settings.port, settings.webauthnRpId);
  return settings.webauthnOrigins.length > 0 ? { rpId: derived.rpId, origins: settings.webauthnOrigins } : derived;
}
