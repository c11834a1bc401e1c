import { randomBytes } from 'node:crypto';
import type { OutstandingToken, User } from '../store/index.js';
import { issuedBeforeCutoff } from './revocation.js';
import { FAMILY_CLAIM, type SessionInfo, type TokenContext } from './context.js';
import { TOKEN_MESSAGES, TokenError } from './errors.js';
import { capExpiry, sessionEndOf } from './session-policy.js';
import { Token } from './token.js';

/** Authorizes requests; short-lived and never stored. */
export class AccessToken extends Token {
  static override readonly tokenType = 'access';
  static override readonly authorizes = true;
  protected lifetime() {
    return this.context.settings.accessTokenLifetime;
  }

  /** Every check of an access token is in memory, so `verify` is this and nothing more. */
  override checkClaims(): void {
    super.checkClaims();
    checkUserCutoff(this);
    checkFamily(this);
  }
}

/** The blacklist's refusal of a refresh token, carrying the token so refresh can tell rotation from logout. */
export class BlacklistedTokenError extends TokenError {
  constructor(readonly refresh: RefreshToken) {
    super(TOKEN_MESSAGES.blacklisted);
  }
}

/** Obtains new access tokens; recorded as outstanding and checked against the blacklist. */
export class RefreshToken extends Token {
  static override readonly tokenType = 'refresh';
  /** Each is presented once when rotation is on; remembering it would push out access tokens. */
  static override readonly presentedRepeatedly = false;
  protected lifetime() {
    return this.context.settings.refreshTokenLifetime;
  }

  /** Claims never copied into an access token made from this one. */
  private noCopyClaims(): Set<string> {
    const { tokenTypeClaim, jtiClaim } = this.context.settings;
    return new Set([tokenTypeClaim, 'exp', jtiClaim, 'jti']);
  }

  /**
   * A new access token carrying this token's claims, expiring relative to the same instant so a
   * pair made together expires together.
   */
  get accessToken(): AccessToken {
    const access = new AccessToken(this.context);
    access.setExp('exp', this.currentTime);
    access.setIat('iat', this.currentTime);
    const noCopy = this.noCopyClaims();
    for (const [claim, value] of Object.entries(this.payload)) {
      if (!noCopy.has(claim)) access.set(claim, value);
    }
    return access;
  }

  /** Rotation's successor: this token's claims under a new `jti`, `exp` and `iat`. */
  successor(): RefreshToken {
    const next = new RefreshToken(this.context);
    for (const [claim, value] of Object.entries(this.payload)) {
      if (!(claim in next.payload)) next.set(claim, value);
    }
    return next;
  }

  override async verify(): Promise<void> {
    await this.checkBlacklist();
    await super.verify();
  }

  async checkBlacklist(): Promise<void> {
    const { blacklist, settings } = this.context;
    const jti = this.payload[settings.jtiClaim];
    checkUserCutoff(this);
    // An ended session's token is blacklisted too; refresh looks at why the session ended.
    if (isFamilyEnded(this)) throw new BlacklistedTokenError(this);
    if (blacklist && typeof jti === 'string' && (await blacklist.isBlacklisted(jti, this.exp))) {
      throw new BlacklistedTokenError(this);
    }
  }

  /**
   * A presented token about to be rotated with blacklist-after-rotation: the rotation's write
   * transaction is the database blacklist check (it refuses a token blacklisted already), so here
   * only memory is asked. The database is asked only when another check fails, so a blacklisted
   * token still answers "blacklisted" first, as `verify` does.
   */
  static async forRotation(context: TokenContext, presented: string): Promise<RefreshToken> {
    const token = await RefreshToken.fromString(context, presented, { verify: 'signature' });
    const { blacklist, settings } = context;
    const jti = token.payload[settings.jtiClaim];
    checkUserCutoff(token);
    if (isFamilyEnded(token) || (typeof jti === 'string' && blacklist?.knowsRevoked?.(jti))) throw new BlacklistedTokenError(token);
    try {
      token.checkClaims();
    } catch (error) {
      if (error instanceof TokenError) await token.checkBlacklist();
      throw error;
    }
    return token;
  }

  /** Every check of `verify` but the blacklist: for a blacklisted token that may be a retried rotation. */
  async verifyExceptBlacklist(): Promise<void> {
    checkUserCutoff(this);
    checkFamily(this);
    this.checkClaims();
  }

  /** The session (`fam` claim) this token belongs to, or null. */
  get family(): string | null {
    const family = this.payload[FAMILY_CLAIM];
    return typeof family === 'string' ? family : null;
  }

  /** Blacklists this token; false when it already was. */
  async blacklist(): Promise<boolean> {
    const { blacklist } = this.context;
    if (!blacklist) throw new Error('the token blacklist is not installed');
    return blacklist.blacklist(this.asOutstanding(null), new Date(this.context.clock()));
  }

  /** This token as a row of the outstanding list. */
  asOutstanding(userId: number | null): OutstandingToken {
    return {
      jti: this.jti,
      token: this.token ?? this.toString(),
      userId,
      createdAt: this.token ? null : new Date(this.currentTime * 1000),
      expiresAt: new Date(this.exp * 1000),
      family: this.family,
    };
  }

  /**
   * Starts a session (a family) when families are installed, its `exp` capped at the session's
   * end (`sessionAbsoluteLifetime`), then records the token as outstanding.
   */
  protected override async issued(user: User, session: SessionInfo = {}): Promise<void> {
    const { families, blacklist, clock } = this.context;
    if (families && blacklist) {
      const family = randomBytes(16).toString('hex');
      const userAgent = session.userAgent ?? '';
      await families.start({
        family, userId: user.id, deviceName: session.deviceName || userAgent, userAgent, ip: session.ip ?? '',
        at: new Date(clock()),
      });
      this.set(FAMILY_CLAIM, family);
      capExpiry(this, sessionEndOf(this.context, this.currentTime));
    }
    await blacklist?.recordOutstanding(this.asOutstanding(user.id));
  }
}

/**
 * Refuses a token issued before its user's cut-off ("log out everywhere", password change) with
 * Simple JWT's blacklisted message: an in-memory lookup, no database round trip. Only numeric
 * user ids (`userIdField: 'id'`) and tokens with an `iat` can be cut off.
 */
export function checkUserCutoff(token: Token): void {
  if (isCutOff(token)) throw new TokenError(TOKEN_MESSAGES.blacklisted);
}

/** Refuses a token of an ended session (revoked family) as blacklisted: an in-memory lookup. */
export function checkFamily(token: Token): void {
  if (isFamilyEnded(token)) throw new TokenError(TOKEN_MESSAGES.blacklisted);
}

/** True when `token` carries the family of an ended session (an in-memory lookup). */
function isFamilyEnded(token: Token): boolean {
  const family = token.payload[FAMILY_CLAIM];
  return typeof family === 'string' && token.context.families?.isFamilyRevoked(family) === true;
}

/** True when `token` was issued before its user's cut-off (see `checkUserCutoff`). */
export function isCutOff(token: Token): boolean {
  const { cutoffs, settings } = token.context;
  if (!cutoffs) return false;
  const userId = token.payload[settings.userIdClaim];
  const iat = token.payload.iat;
  return typeof userId === 'number' && typeof iat === 'number' && issuedBeforeCutoff(cutoffs, userId, iat);
}

/** Any token, of any type: used to verify without caring what it is for. */
export class UntypedToken extends Token {
  static override readonly tokenType = 'untyped';
  protected lifetime() {
    return 0;
  }
  override verifyTokenType(): void {}
}
