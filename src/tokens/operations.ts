import { AuthenticationFailed, ValidationError } from '../errors.js';
import type { User, UserRepository } from '../store/index.js';
import { addAccessClaims, FAMILY_CLAIM, type SessionInfo, type TokenContext } from './context.js';
import { TOKEN_MESSAGES, TokenError } from './errors.js';
import { BlacklistedTokenError, isCutOff, RefreshToken, UntypedToken } from './kinds.js';
import { capExpiry, explainRefusal, requireSessionGoesOn, sessionEndOf, sessionPolicyOn } from './session-policy.js';
import { refusalForEnded } from './session-refusals.js';

/** What Simple JWT's token views return. */
export interface TokenPair {
  refresh: string;
  access: string;
}

export { TOKEN_REUSED } from './session-refusals.js';

/** The answers `refreshPair` gave from the grace window (the successor issued before), for metrics. */
const GRACE_ANSWERS = new WeakSet<object>();

/** Whether `refreshPair` gave this answer from the grace window (a retry), not a rotation of its own. */
export function answeredInGrace(answer: object): boolean {
  return GRACE_ANSWERS.has(answer);
}

/**
 * `POST /api/token/`: a refresh token recorded as outstanding, and an access token made from it.
 * With token families installed this starts a session (`session` says from where).
 */
export async function issuePair(context: TokenContext, user: User, session?: SessionInfo): Promise<TokenPair> {
  const refresh = await RefreshToken.forUser(context, user, session);
  const access = refresh.accessToken;
  await addAccessClaims(context, access, user);
  // The refresh token's own `exp` was capped as it was issued (`RefreshToken.issued`).
  if (refresh.family) capExpiry(access, sessionEndOf(context, refresh.currentTime));
  return { refresh: refresh.toString(), access: access.toString() };
}

/**
 * `POST /api/token/refresh/`: a new access token and, with rotation, a successor refresh token.
 * With blacklist-after-rotation the old token is blacklisted and the successor recorded in one
 * transaction, so of two concurrent refreshes of one token only one gets a successor.
 *
 * With token families, a rotated token presented again within `refreshGraceWindow` seconds of its
 * rotation answers the successor already issued (with a fresh access token): every concurrent
 * refresh of one token gets the same successor. Presented later, it is reuse: its whole family
 * is ended and the answer is 401 `token_reused`. With session policy (`sessionAbsoluteLifetime`,
 * `sessionIdleTimeout`), a session past its end is ended here and answers `SessionEnded`, and no
 * token it issues outlives the session's end.
 */
export async function refreshPair(
  context: TokenContext,
  users: UserRepository,
  presented: string,
  client: SessionInfo = {},
  onUser?: (user: User) => void,
): Promise<{ access: string; refresh?: string }> {
  const { settings } = context;
  // With blacklist-after-rotation the rotation's transaction checks the database blacklist
  // itself: the refresh costs a user lookup and one write transaction, no blacklist query first.
  const rotation = settings.rotateRefreshTokens && settings.blacklistAfterRotation && context.blacklist !== null;
  let refresh: RefreshToken;
  try {
    refresh = rotation ? await RefreshToken.forRotation(context, presented) : await RefreshToken.fromString(context, presented);
  } catch (error) {
    // The refusal leaves without the token it carries: the loser of a rotation race gets the same error either way.
    if (error instanceof BlacklistedTokenError) return answerRotated(context, users, error.refresh, client, new TokenError(TOKEN_MESSAGES.blacklisted), onUser);
    // The last token of a session that policy ends expires with it: say so rather than "expired".
    await explainRefusal(context, presented, error);
    throw error;
  }
  let user: User;
  try {
    user = await requireActiveUser(context, users, refresh);
  } catch (error) {
    // Not asked yet, the database blacklist answers first, as when it is asked before the user.
    if (rotation && error instanceof AuthenticationFailed && (await context.blacklist!.isBlacklisted(refresh.jti, refresh.exp))) {
      return answerRotated(context, users, refresh, client, new TokenError(TOKEN_MESSAGES.blacklisted), onUser);
    }
    throw error;
  }
  onUser?.(user);
  const family = refresh.family;
  // One read of the session's row, and only with session policy on: its login and last use.
  const session = family && sessionPolicyOn(context) ? await requireSessionGoesOn(context, family) : null;
  const end = session ? sessionEndOf(context, Math.floor(session.createdAt.getTime() / 1000)) : null;
  const accessToken = refresh.accessToken;
  await addAccessClaims(context, accessToken, user);
  capExpiry(accessToken, end);
  const access = accessToken.toString();
  // A token the rotation refuses must not touch its session: with rotation, touched once it went through.
  if (family && !rotation) await context.families?.touch(family, new Date(context.clock()));
  if (!settings.rotateRefreshTokens) return { access };

  const userIdClaim = refresh.get(settings.userIdClaim);
  const userId = typeof userIdClaim === 'number' ? userIdClaim : null;
  const successor = refresh.successor();
  capExpiry(successor, end);
  const next = successor.asOutstanding(userId);
  if (rotation) {
    const rotated = await context.blacklist!.rotate(refresh.asOutstanding(userId), next, new Date(context.clock()), Boolean(context.families));
    if (!rotated) return answerRotated(context, users, refresh, client, new TokenError(TOKEN_MESSAGES.blacklisted), onUser);
    if (family) await context.families?.touch(family, new Date(context.clock()));
  } else {
    await context.blacklist?.recordOutstanding(next);
  }
  return { access, refresh: next.token };
}

/**
 * A blacklisted refresh token presented to refresh: `refused` unless rotation blacklisted it.
 * Within the grace window, the successor rotation issued; after it, reuse, which ends the family.
 */
async function answerRotated(
  context: TokenContext,
  users: UserRepository,
  token: RefreshToken,
  client: SessionInfo,
  refused: Error,
  onUser?: (user: User) => void,
): Promise<{ access: string; refresh: string }> {
  const { families, settings } = context;
  if (!families) throw refused;
  // A session ended by reuse or by policy answers so for any of its tokens (the legitimate
  // holder's too); one ended any other way stays "blacklisted". The database is asked for the
  // reason only when this process knows the session ended, or the answer would otherwise be a
  // refusal: never on a retry.
  const endedRefusal = async (): Promise<Error> => refusalForEnded(token.family === null ? null : await families.familyEndReason(token.family));
  const answersItsReason = (error: Error) => !(error instanceof TokenError && error.message === TOKEN_MESSAGES.blacklisted);
  if (token.family && families.isFamilyRevoked(token.family)) {
    const ended = await endedRefusal();
    if (answersItsReason(ended)) throw ended;
  }
  await token.verifyExceptBlacklist();
  const rotation = await families.rotationOf(token.jti);
  if (!rotation) {
    const ended = await endedRefusal();
    throw answersItsReason(ended) ? ended : refused;
  }
  const now = context.clock();
  const family = rotation.family ?? token.family;
  const grace = (context.settings.refreshGraceWindow ?? 0) * 1000;
  if (now - rotation.rotatedAt.getTime() < grace && !(family && families.isFamilyRevoked(family))) {
    const user = await requireActiveUser(context, users, token);
    onUser?.(user);
    const successor = await RefreshToken.fromString(context, rotation.successor, { verify: false });
    const access = successor.accessToken;
    await addAccessClaims(context, access, user);
    // The successor's `exp` was capped at its session's end: its access token is not to outlive it.
    if ((settings.sessionAbsoluteLifetime ?? 0) > 0) capExpiry(access, successor.exp);
    const answer = { access: access.toString(), refresh: rotation.successor };
    GRACE_ANSWERS.add(answer);
    return answer;
  }
  if (family && (await families.revokeFamily(family, new Date(now), 'reused'))) {
    const userId = token.get(context.settings.userIdClaim);
    try {
      context.onSecurityEvent?.({ type: 'token_reused', userId: typeof userId === 'number' ? userId : null, family, ip: client.ip ?? null });
    } catch {
      // An audit hook that fails must not turn a refused token into a 500.
    }
  } else if (family) {
    // Ended between our look and our revocation (a logout, policy): it answers for that reason.
    const ended = refusalForEnded(await families.familyEndReason(family));
    throw answersItsReason(ended) ? ended : refused;
  }
  throw refusalForEnded('reused');
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
  const family = token.get(FAMILY_CLAIM);
  if (typeof family === 'string' && context.families?.isFamilyRevoked(family)) {
    throw ValidationError.of('non_field_errors', TOKEN_MESSAGES.blacklisted);
  }
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
async function requireActiveUser(context: TokenContext, users: UserRepository, refresh: RefreshToken): Promise<User> {
  const id = refresh.get(context.settings.userIdClaim);
  // The user Bearer authentication reads, remembered as briefly (`userCacheTtl`): a deactivation
  // made elsewhere also cuts off the user's tokens (see `isCutOff`).
  const user = context.settings.userIdField === 'id'
    ? typeof id === 'number' ? await users.findRecentById(id, (context.settings.userCacheTtl ?? 0) * 1000) : null
    : typeof id === 'string' ? await users.findByUsername(id) : null;
  if (!user || !user.isActive) {
    throw new AuthenticationFailed('No active account found for the given token.', 'no_active_account', true);
  }
  return user;
}
