import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../settings/index.js';
import type { User } from '../store/index.js';

/** Django's `urlsafe_base64_encode(force_bytes(pk))`: base64url of the decimal id, unpadded. */
export function encodeUid(id: number): string {
  return Buffer.from(String(id), 'utf8').toString('base64url');
}

/** The user id inside a uid, or null when it is not base64url of a positive decimal integer. */
export function decodeUid(uid: string): number | null {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(uid)) return null;
  const text = Buffer.from(uid, 'base64url').toString('utf8');
  if (!/^\d{1,15}$/.test(text)) return null;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : null;
}

const KEY_SALT = 'django.contrib.auth.tokens.PasswordResetTokenGenerator';
/** Django counts token timestamps in seconds since 2001-01-01 (UTC here). */
const EPOCH_2001 = Date.UTC(2001, 0, 1);

export interface AccountTokenOptions {
  /** Django's `SECRET_KEY`; tessera uses its signing key. */
  secret: string;
  /** Seconds a token stays valid (`PASSWORD_RESET_TIMEOUT`). */
  timeout: number;
  clock: Clock;
}

/**
 * Django's `PasswordResetTokenGenerator` (sha256): `<timestamp base36>-<hmac>` over the user's id,
 * password hash, last login, the timestamp and email. Changing the password or logging in
 * changes the hash, so a link works once; it also dies after `timeout`. With the same secret the
 * tokens are Django's own, byte for byte.
 */
export class AccountTokenGenerator {
  private readonly key: Buffer;

  constructor(private readonly options: AccountTokenOptions) {
    // Django's salted_hmac: the HMAC key is sha256(key_salt + secret).
    this.key = createHash('sha256').update(KEY_SALT + options.secret).digest();
  }

  makeToken(user: User): string {
    return this.tokenAt(user, this.now());
  }

  checkToken(user: User | null, token: string): boolean {
    if (!user || !token) return false;
    const parts = token.split('-');
    if (parts.length !== 2) return false;
    const [stamp] = parts as [string, string];
    if (!/^[0-9a-z]{1,13}$/i.test(stamp)) return false;
    const timestamp = Number.parseInt(stamp, 36);
    if (!Number.isSafeInteger(timestamp)) return false;
    const expected = Buffer.from(this.tokenAt(user, timestamp));
    const given = Buffer.from(token);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
    return this.now() - timestamp <= this.options.timeout;
  }

  private now(): number {
    return Math.floor((this.options.clock() - EPOCH_2001) / 1000);
  }

  private tokenAt(user: User, timestamp: number): string {
    const digest = createHmac('sha256', this.key).update(hashValue(user, timestamp)).digest('hex');
    // Django keeps every other hex digit to shorten the URL.
    let short = '';
    for (let i = 0; i < digest.length; i += 2) short += digest[i];
    return `${timestamp.toString(36)}-${short}`;
  }
}

/** Django's `_make_hash_value`: last login as Python prints a naive UTC datetime, to the second. */
function hashValue(user: User, timestamp: number): string {
  const login = user.lastLogin ? user.lastLogin.toISOString().slice(0, 19).replace('T', ' ') : '';
  return `${user.id}${user.password}${login}${timestamp}${user.email ?? ''}`;
}
