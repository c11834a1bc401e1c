import { trimOldest } from '../oldest-first.js';
import type { Claims } from './jwt-codec.js';

/** Tokens longer than this are verified every time rather than remembered. */
const MAX_CACHED_LENGTH = 4096;

/** A token whose structure and signature were verified. */
export interface VerifiedToken<Key> {
  /**
   * The memory's own copy, which no caller ever holds: the codec hands out a copy on every use.
   * Not frozen: freezing each entry cost more than the rest of remembering it (about a tenth of
   * an ES256 verification under load), and made every copy handed out slower.
   */
  readonly claims: Readonly<Claims>;
  /** The header's `kid`, and the key that verified the token: a hit counts only while `kid` still names that key. */
  readonly kid: string | undefined;
  readonly key: Key;
}

/**
 * The last `max` tokens whose structure and signature were verified, by their exact text. A
 * client presents the same access token on every request until it expires, so the HMAC and the
 * JSON decoding are done once per token rather than once per request (fast-jwt's verifier cache
 * does the same). Only that is remembered: `exp`/`nbf`, the token type, the blacklist and the
 * cut-offs are checked on every use. The oldest entry goes first.
 */
export class VerifiedTokens<Key> {
  private readonly entries = new Map<string, VerifiedToken<Key>>();

  constructor(private readonly max: number) {}

  get(token: string): VerifiedToken<Key> | undefined {
    return this.entries.get(token);
  }

  /** Remembers a copy of `claims` (the caller keeps its own), unless the token is too long to. */
  remember(token: string, claims: Claims, kid: string | undefined, key: Key): void {
    if (this.max === 0 || token.length > MAX_CACHED_LENGTH) return;
    this.entries.set(token, { claims: { ...claims }, kid, key });
    trimOldest(this.entries, this.max);
  }
}
