import { InvalidToken } from '../errors.js';
import { isPolicyEndReason, type FamilyEndReason, type PolicyEndReason } from '../store/index.js';
import { TOKEN_MESSAGES, TokenError } from './errors.js';

/**
 * The answer to a rotated refresh token presented again after the grace window, and to every
 * later refresh with any token of the session that reuse ended (the legitimate holder's
 * included), so clients can tell reuse from expiry or logout.
 */
export const TOKEN_REUSED = {
  detail: 'Token was already used; its session has been ended',
  code: 'token_reused',
} as const;

/** The refusal's message for every session that policy ended (Simple JWT has no such session). */
export const SESSION_EXPIRED = 'Session has expired';

/**
 * 401 for a refresh of a session that session policy ended: Simple JWT's `token_not_valid` body,
 * `{"detail": "Session has expired", "code": "token_not_valid"}`, plus `"reason"` (`expired`,
 * `idle` or `evicted`) so a client can say why.
 */
export class SessionEnded extends InvalidToken {
  constructor(readonly reason: PolicyEndReason) {
    super(SESSION_EXPIRED);
    this.name = 'SessionEnded';
  }
}

/**
 * How a refresh with a token of an ended session is refused, by why it ended: `reused` answers
 * `token_reused`, policy's reasons `SessionEnded`, the others (logout, password change, staff)
 * Simple JWT's "Token is blacklisted", as a blacklisted token always was.
 */
export function refusalForEnded(reason: FamilyEndReason | null): Error {
  if (reason === 'reused') return new InvalidToken(TOKEN_REUSED.detail, null, TOKEN_REUSED.code);
  if (isPolicyEndReason(reason)) return new SessionEnded(reason);
  return new TokenError(TOKEN_MESSAGES.blacklisted);
}
