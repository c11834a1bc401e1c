import { createDecoder } from 'fast-jwt';
import { systemClock } from '../../settings/index.js';
import { parseCommandArgs } from '../args.js';
import { cliSettings } from '../context.js';
import { CommandError } from '../errors.js';
import { explainVerification } from './token-verification.js';

const decodeComplete = createDecoder({ complete: true });

/**
 * `tessera token decode JWT`: header, claims, expiry in words, and whether this server accepts it
 * and with which key. Exits 0 only for a token this server accepts, so scripts can test it: an
 * expired, badly signed or unverifiable one still prints all of the above, then fails (exit 1).
 */
export async function tokenDecode(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'decode') throw new CommandError('usage: tessera token decode JWT', 2);
  const { positionals } = parseCommandArgs('token decode', rest, {}, true);
  if (positionals.length !== 1 || !positionals[0]) throw new CommandError('usage: tessera token decode JWT', 2);
  const jwt = positionals[0].trim();
  let parts: { header: unknown; payload: Record<string, unknown> };
  try {
    parts = decodeComplete(jwt) as typeof parts;
  } catch {
    throw new CommandError('not a JWT: expected three base64url parts separated by dots, with JSON header and claims');
  }
  const now = Math.floor(systemClock() / 1000);
  const verification = await explainVerification(jwt, cliSettings());
  const out = [
    `Header: ${JSON.stringify(parts.header)}`,
    `Claims: ${JSON.stringify(parts.payload, null, 2)}`,
    `Expiry: ${describeExpiry(parts.payload.exp, now)}`,
    `Verification: ${verification}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  // explainVerification's line starts with its verdict: "valid:", "invalid:" or "not checked:".
  if (!verification.startsWith('valid:')) {
    throw new CommandError(`not a valid token here: ${verification.replace(/^(invalid|not checked): /, '')}`, 1);
  }
}

/** "2026-11-25T16:00:00.000Z (in 4 minutes)" or "(expired 2 hours ago)". */
export function describeExpiry(exp: unknown, now: number): string {
  if (typeof exp !== 'number') return 'none (no exp claim)';
  const at = new Date(exp * 1000).toISOString();
  const seconds = exp - now;
  return seconds > 0 ? `${at} (in ${inWords(seconds)})` : `${at} (expired ${inWords(-seconds)} ago)`;
}

function inWords(seconds: number): string {
  const units: [number, string][] = [[86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
  for (const [size, name] of units) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return '0 seconds';
}
