import { createDecoder } from 'fast-jwt';
import { systemClock } from '../../settings/index.js';
import { cliSettings } from '../context.js';
import { CommandError } from '../errors.js';
import { explainVerification } from './token-verification.js';

const decodeComplete = createDecoder({ complete: true });

/** `tessera token decode JWT`: header, claims, expiry in words, and whether this server accepts it and with which key. */
export async function tokenDecode(args: string[]): Promise<void> {
  if (args[0] !== 'decode' || !args[1] || args.length > 2) throw new CommandError('usage: tessera token decode JWT', 2);
  const jwt = args[1].trim();
  let parts: { header: unknown; payload: Record<string, unknown> };
  try {
    parts = decodeComplete(jwt) as typeof parts;
  } catch {
    throw new CommandError('not a JWT: expected three base64url parts separated by dots, with JSON header and claims');
  }
  const now = Math.floor(systemClock() / 1000);
  const out = [
    `Header: ${JSON.stringify(parts.header)}`,
    `Claims: ${JSON.stringify(parts.payload, null, 2)}`,
    `Expiry: ${describeExpiry(parts.payload.exp, now)}`,
    `Verification: ${await explainVerification(jwt, cliSettings())}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
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
