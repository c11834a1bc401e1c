import { AuthenticationFailed, ValidationError } from '../errors.js';
import type { User, UserRepository } from '../store/index.js';
import type { TokenContext } from './context.js';
import { TOKEN_MESSAGES, TokenError } from './errors.js';
import { isCutOff, RefreshToken, UntypedToken } from './kinds.js';

/** What Simple JWT's token views return. */
export interface TokenPair {
  refresh: string;
  access: string;
}

/** `POST /api/token/`: a refresh token recorded as outstanding, and an access token made from it. */
export async function issuePair(context: TokenContext, user: User): Promise<TokenPair> {
  const refresh = await RefreshToken.forUser(context, user);
  return { refresh: refresh.toString(), access: refresh.accessToken.toString() };
}

/**
 * `POST /api/token/refresh/`: a new access token and, with rotation, a successor refresh token.
 * With blacklist-after-rotation the old token is blacklisted and the successor recorded in one
 * transaction, so of two concurrent refreshes of one token only one gets a successor.
 */
export async function refreshPair(
  context: TokenContext,
  users: UserRepository,
  presented: string,
): Promise<{ access: string; refresh?: string }> {
  const refresh = await RefreshToken.fromString(context, presented);
  await requireActiveUser(context, users, refresh);
  const access = refresh.accessToken.toString();
  if (!context.settings.rotateRefreshTokens) return { access };

  const userIdClaim = refresh.get(context.settings.userIdClaim);
  const userId = typeof userIdClaim === 'number' ? userIdClaim : null;
  const next = refresh.successor().asOutstanding(userId);
  if (context.blacklist && context.settings.blacklistAfterRotation) {
    const rotated = await context.blacklist.rotate(refresh.asOutstanding(userId), next, new Date(context.clock()));
    if (!rotated) throw new TokenError(TOKEN_MESSAGES.blacklisted);
  } else {
    await context.blacklist?.recordOutstanding(next);
  }
  return { access, refresh: next.token };
}

/**
 * `POST /api/token/verify/`: any valid token of any type. Simple JWT 5.2 asks the blacklist only
 * when `BLACKLIST_AFTER_ROTATION` is on (for any token's jti); then a blacklisted token is a field
 * error here, not a 401. With it off, verify never touches the database, so it keeps answering
 * while the database is down.
 */
export async function verifyToken(context: TokenContext, presented: string): Promise<void> {
  const token = await UntypedToken.fromString(context, presented);
  // A per-user cut-off is a lookup in memory, so it is checked whatever the setting.
  if (isCutOff(token)) throw ValidationError.of('non_field_errors', TOKEN_MESSAGES.blacklisted);
  if (!context.settings.blacklistAfterRotation) return;
  const jti = token.get(context.settings.jtiClaim);
  if (context.blacklist && typeof jti === 'string' && (await context.blacklist.isBlacklisted(jti, token.exp))) {
    throw ValidationError.of('non_field_errors', TOKEN_MESSAGES.blacklisted);
  }
}

/**
 * `POST /api/token/blacklist/`: blacklists a valid refresh token. Of concurrent requests for one
 * token only the one whose row went in answers 200; the others get the blacklisted answer, as
 * they would a moment later (on PostgreSQL they really run at once).
 */
export async function blacklistToken(context: TokenContext, presented: string): Promise<void> {
  const refresh = await RefreshToken.fromString(context, presented);
  if (!(await refresh.blacklist())) throw new TokenError(TOKEN_MESSAGES.blacklisted);
}

/** A refresh for a deleted or deactivated user is refused (Simple JWT 5.3's check). */
async function requireActiveUser(context: TokenContext, users: UserRepository, refresh: RefreshToken): Promise<void> {
  const id = refresh.get(context.settings.userIdClaim);
  const user = context.settings.userIdField === 'id'
    ? typeof id === 'number' ? await users.findById(id) : null
    : typeof id === 'string' ? await users.findByUsername(id) : null;
  if (!user || !user.isActive) {
    throw new AuthenticationFailed('No active account found for the given token.', 'no_active_account', true);
  }
}
