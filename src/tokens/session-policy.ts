import { isPolicyEndReason, type PolicyEndReason, type TokenFamily } from '../store/index.js';
import type { TokenContext } from './context.js';
import { TOKEN_MESSAGES, TokenError } from './errors.js';
import { refusalForEnded, SessionEnded } from './session-refusals.js';
import type { Token } from './token.js';

/** True when `sessionAbsoluteLifetime` or `sessionIdleTimeout` is on (with token families). */
export function sessionPolicyOn(context: TokenContext): boolean {
  const { sessionAbsoluteLifetime = 0, sessionIdleTimeout = 0 } = context.settings;
  return Boolean(context.families) && (sessionAbsoluteLifetime > 0 || sessionIdleTimeout > 0);
}

/**
 * The instant (seconds since the epoch) a session that logged in at `loginSeconds` ends whatever
 * its use, or null without `sessionAbsoluteLifetime`. The login's second counts, as `iat` does.
 */
export function sessionEndOf(context: TokenContext, loginSeconds: number): number | null {
  const lifetime = context.settings.sessionAbsoluteLifetime ?? 0;
  return lifetime > 0 ? loginSeconds + lifetime : null;
}

/** Caps the token's `exp` at `end` (seconds), so no token of a session outlives it. */
export function capExpiry(token: Token, end: number | null): void {
  if (end !== null && token.exp > end) token.set('exp', end);
}

/** Why policy ends this live session at `nowMs`, or null while it may go on. */
export function overdueReason(context: TokenContext, session: TokenFamily, nowMs: number): 'expired' | 'idle' | null {
  const now = Math.floor(nowMs / 1000);
  const end = sessionEndOf(context, Math.floor(session.createdAt.getTime() / 1000));
  if (end !== null && now >= end) return 'expired';
  const idle = context.settings.sessionIdleTimeout ?? 0;
  if (idle > 0 && now >= Math.floor(session.lastUsedAt.getTime() / 1000) + idle) return 'idle';
  return null;
}

/**
 * At a refresh of a live-looking session: its row, after ending it (and throwing `SessionEnded`)
 * when policy says it is over. Null when the row is gone or ended already (the blacklist, which
 * ending writes, refuses its tokens then).
 */
export async function requireSessionGoesOn(context: TokenContext, family: string): Promise<TokenFamily | null> {
  const families = context.families!;
  const session = await families.find(family);
  if (!session || session.revokedAt) return null;
  const now = context.clock();
  const reason = overdueReason(context, session, now);
  if (reason) await endForPolicy(context, family, reason, now);
  return session;
}

/**
 * A refresh token refused as expired (or invalid): when its signature is good and it belongs to a
 * session that policy ended or ends now, `SessionEnded` says so; otherwise this returns and the
 * first refusal stands. The capped `exp` of a session's last token is its end, so an expired
 * session's refresh is refused by `exp` first: this is what answers it "Session has expired".
 */
export async function explainRefusal(context: TokenContext, presented: string, refusal: unknown): Promise<void> {
  const expiry = refusal instanceof TokenError
    && (refusal.message === TOKEN_MESSAGES.invalidOrExpired || refusal.message === TOKEN_MESSAGES.claimExpired('exp'));
  if (!expiry || !sessionPolicyOn(context)) return;
  let claims;
  try {
    claims = context.codec.decode(presented, { remember: false, expired: 'allow' });
  } catch {
    return; // Not merely expired: the first refusal stands.
  }
  const family = claims.fam;
  if (claims[context.settings.tokenTypeClaim] !== 'refresh' || typeof family !== 'string') return;
  const session = await context.families!.find(family);
  if (!session) return;
  if (session.revokedAt) {
    if (isPolicyEndReason(session.revokedReason)) throw new SessionEnded(session.revokedReason);
    return;
  }
  const now = context.clock();
  const reason = overdueReason(context, session, now);
  if (reason) await endForPolicy(context, family, reason, now);
}

/** Ends the session for `reason` and throws its refusal (an ending that came first keeps its reason). */
async function endForPolicy(context: TokenContext, family: string, reason: PolicyEndReason, now: number): Promise<never> {
  const families = context.families!;
  if (await families.revokeFamily(family, new Date(now), reason)) throw new SessionEnded(reason);
  // Ended meanwhile for another reason (a logout, reuse): answered for that one.
  throw refusalForEnded(await families.familyEndReason(family));
}
