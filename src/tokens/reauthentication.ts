import type { User } from '../store/index.js';
import { addAccessClaims, AUTH_TIME_CLAIM, customClaimsOf, FAMILY_CLAIM, issuesAuthTime, type TokenContext } from './context.js';
import { RefreshToken } from './kinds.js';
import { issuePair, type TokenPair } from './operations.js';
import { capExpiry, sessionEndOf } from './session-policy.js';
import { issueSliding } from './sliding.js';
import type { Token } from './token.js';

/**
 * `POST /api/token/reauthenticate/`, once the password is checked: tokens whose `auth_time` is
 * now. A sliding token answers a new sliding token; otherwise a new pair in the same session
 * (the `fam` of the token the request came with, its end kept), or a new session when the token
 * had none. The tokens held before stay valid, with their older `auth_time`.
 */
export async function reauthenticatedTokens(context: TokenContext, user: User, presented: Token | null): Promise<TokenPair | { token: string }> {
  if (presented?.tokenType === 'sliding') return issueSliding(context, user);
  const family = presented?.get(FAMILY_CLAIM);
  const session = typeof family === 'string' && context.families ? await context.families.find(family) : null;
  if (!session || session.revokedAt || session.userId !== user.id) return issuePair(context, user);
  const refresh = new RefreshToken(context);
  refresh.set(context.settings.userIdClaim, presented!.get(context.settings.userIdClaim));
  if (issuesAuthTime(context)) refresh.set(AUTH_TIME_CLAIM, refresh.currentTime);
  Object.assign(refresh.payload, await customClaimsOf(context, user));
  refresh.set(FAMILY_CLAIM, session.family);
  const end = sessionEndOf(context, Math.floor(session.createdAt.getTime() / 1000));
  capExpiry(refresh, end);
  await context.blacklist?.recordOutstanding(refresh.asOutstanding(user.id));
  const access = refresh.accessToken;
  await addAccessClaims(context, access, user);
  capExpiry(access, end);
  return { refresh: refresh.toString(), access: access.toString() };
}
