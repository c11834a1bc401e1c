import { createHash, randomInt } from 'node:crypto';

/** How many recovery codes a user gets at a time. */
export const RECOVERY_CODE_COUNT = 10;

/** Lower-case letters and digits without the look-alikes (l, o, 0, 1): 32 symbols, 5 bits each. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Ten new codes for people to write down: `xxxxx-xxxxx` (50 random bits each). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    let code = '';
    for (let i = 0; i < 10; i++) code += ALPHABET[randomInt(ALPHABET.length)];
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

/**
 * What is stored of a code: SHA-256 of the user's id and the code as typed without case, spaces
 * or dashes. Codes are random (not chosen by people), so a fast hash is enough; the user id keeps
 * one user's hash from matching another's. Not keyed with the signing secret on purpose: the codes
 * must still work after that secret changes (they are how a user gets in when the TOTP secret,
 * sealed under it, no longer opens).
 */
export function recoveryCodeHash(userId: number, code: string): string | null {
  const normalized = code.toLowerCase().replace(/[\s-]+/g, '');
  if (normalized.length !== 10 || ![...normalized].every((c) => ALPHABET.includes(c))) return null;
  return createHash('sha256').update(`tessera-recovery-code:${userId}:${normalized}`).digest('hex');
}
