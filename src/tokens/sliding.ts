import type { OutstandingToken, User } from '../store/index.js';
import { TOKEN_MESSAGES, TokenError } from './errors.js';
import { checkUserCutoff } from './kinds.js';
import { Token } from './token.js';
import type { TokenContext } from './context.js';

/** Simple JWT's `SLIDING_TOKEN_REFRESH_EXP_CLAIM`. */
export const SLIDING_REFRESH_EXP_CLAIM = 'refresh_exp';

const DEFAULT_SLIDING_LIFETIME = 5 * 60;
const DEFAULT_SLIDING_REFRESH_LIFETIME = 24 * 60 * 60;

function slidingLifetimes(context: TokenContext): { lifetime: number; refreshLifetime: number } {
  const settings = context.settings as Partial<{ slidingTokenLifetime: number; slidingTokenRefreshLifetime: number }>;
  return {
    lifetime: settings.slidingTokenLifetime ?? DEFAULT_SLIDING_LIFETIME,
    refreshLifetime: settings.slidingTokenRefreshLifetime ?? DEFAULT_SLIDING_REFRESH_LIFETIME,
  };
}

/**
 * Simple JWT's `SlidingToken` (with its `BlacklistMixin`): one token that both authorizes and,
 * until its `refresh_exp`, is exchanged at `/api/token/sliding/refresh/` for itself with a new
 * `exp` and `iat` (same `jti`, so blacklisting it ends every later copy too). Recorded as
 * outstanding when issued and checked against the blacklist on every use.
 */
export class SlidingToken extends Token {
  static override readonly tokenType = 'sliding';
  static override readonly authorizes = true;

  protected lifetime(): number {
    return slidingLifetimes(this.context).lifetime;
  }

  constructor(context: TokenContext, presented?: ConstructorParameters<typeof Token>[1]) {
    super(context, presented);
    if (!presented) this.setExp(SLIDING_REFRESH_EXP_CLAIM, this.currentTime, slidingLifetimes(context).refreshLifetime);
  }

  /** The `BlacklistMixin`'s order: the blacklist first, then `Token.verify`. */
  override async verify(): Promise<void> {
    await this.checkBlacklist();
    await super.verify();
  }

  async checkBlacklist(): Promise<void> {
    checkUserCutoff(this);
    const { blacklist, settings } = this.context;
    const jti = this.payload[settings.jtiClaim];
    if (blacklist && typeof jti === 'string' && (await blacklist.isBlacklisted(jti, this.exp))) {
      throw new TokenError(TOKEN_MESSAGES.blacklisted);
    }
  }

  /** Blacklists this token (and so every refreshed copy of it); false when it already was. */
  async blacklist(): Promise<boolean> {
    const { blacklist } = this.context;
    if (!blacklist) throw new Error('the token blacklist is not installed');
    return blacklist.blacklist(this.asOutstanding(null), new Date(this.context.clock()));
  }

  /**
   * This token as a row of the outstanding list. It expires when no copy of it can be alive any
   * more (a refresh just before `refresh_exp` lives one lifetime past it), not at its first `exp`
   * as in Simple JWT, so flushing expired tokens never un-blacklists a sliding token still in use.
   */
  asOutstanding(userId: number | null): OutstandingToken {
    const refreshExp = this.payload[SLIDING_REFRESH_EXP_CLAIM];
    const lastExp = typeof refreshExp === 'number' && Number.isFinite(refreshExp)
      ? Math.max(this.exp, refreshExp + this.lifetime())
      : this.exp;
    return {
      jti: this.jti,
      token: this.token ?? this.toString(),
      userId,
      createdAt: this.token ? null : new Date(this.currentTime * 1000),
      expiresAt: new Date(lastExp * 1000),
    };
  }

  protected override async issued(user: User): Promise<void> {
    await this.context.blacklist?.recordOutstanding(this.asOutstanding(user.id));
  }
}

/** `POST /api/token/sliding/` (`TokenObtainSlidingSerializer`): a new sliding token for `user`. */
export async function issueSliding(context: TokenContext, user: User): Promise<{ token: string }> {
  const token = await SlidingToken.forUser(context, user);
  return { token: token.toString() };
}

/**
 * `POST /api/token/sliding/refresh/` (`TokenRefreshSlidingSerializer`): the presented token must be
 * valid (so not past its `exp`) and not past its `refresh_exp`; the answer is the same token with
 * `exp` and `iat` renewed from now, `refresh_exp` and `jti` kept.
 */
export async function refreshSliding(context: TokenContext, presented: string): Promise<{ token: string }> {
  const token = await SlidingToken.fromString(context, presented);
  token.checkExp(SLIDING_REFRESH_EXP_CLAIM);
  token.setExp();
  token.setIat();
  return { token: token.toString() };
}
