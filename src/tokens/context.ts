import type { Claims, JwtCodec } from '../crypto/index.js';
import type { Clock, Settings } from '../settings/index.js';
import type { TokenBlacklist, User, UserCutoffs } from '../store/index.js';

/** Extra claims for a user's tokens (seed 003's `is_admin`), added when a pair is issued. */
export type CustomClaims = (user: User) => Claims | Promise<Claims>;

/** What every token needs: settings, a codec, a clock, and the blacklist when it is installed. */
export interface TokenContext {
  settings: Pick<
    Settings,
    'accessTokenLifetime' | 'refreshTokenLifetime' | 'userIdField' | 'userIdClaim' | 'tokenTypeClaim' | 'jtiClaim'
    | 'rotateRefreshTokens' | 'blacklistAfterRotation' | 'leeway'
  >;
  codec: JwtCodec;
  clock: Clock;
  /** Simple JWT's `token_blacklist` app; null turns outstanding/blacklist tracking off. */
  blacklist: TokenBlacklist | null;
  /**
   * Per-user cut-offs ("log out everywhere", password changes): a token whose `iat` is before
   * its user's cut-off is refused as blacklisted. Absent or null: no cut-offs.
   */
  cutoffs?: UserCutoffs | null;
  customClaims?: CustomClaims;
}
