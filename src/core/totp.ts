import { Secret, TOTP } from 'otpauth';

/** What Google Authenticator, Authy and 1Password expect: RFC 6238 with SHA1, 6 digits, 30 s. */
const PARAMETERS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;

/** A new TOTP secret (160 random bits, RFC 4226's recommendation), as base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/<issuer>:<username>?...` URI an authenticator app reads from a QR code. */
export function otpauthUrl(secret: string, issuer: string, username: string): string {
  return new TOTP({ ...PARAMETERS, issuer, label: username, secret: Secret.fromBase32(secret) }).toString();
}

/** A code as people type it: six digits, spaces ignored; null for anything else. */
export function normalizeTotpCode(code: string): string | null {
  const digits = code.replace(/\s+/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/**
 * The 30 s step `code` is right for at `timestamp` (ms), one step of clock drift either way
 * allowed, or null. The caller records the step so a code is accepted once.
 */
export function totpStepOf(secret: string, code: string, timestamp: number): number | null {
  const normalized = normalizeTotpCode(code);
  if (normalized === null) return null;
  const delta = TOTP.validate({ ...PARAMETERS, secret: Secret.fromBase32(secret), token: normalized, timestamp, window: 1 });
  return delta === null ? null : TOTP.counter({ period: PARAMETERS.period, timestamp }) + delta;
}
