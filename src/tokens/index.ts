export { Token, type TokenClass } from './token.js';
export { AccessToken, RefreshToken, UntypedToken } from './kinds.js';
export { TokenError, TOKEN_MESSAGES } from './errors.js';
export { SlidingToken, SLIDING_REFRESH_EXP_CLAIM, issueSliding, refreshSliding } from './sliding.js';
export type { TokenContext, CustomClaims, UserDetails, TokenFamilies, SessionInfo, SecurityEvent } from './context.js';
export { FAMILY_CLAIM, AUTH_TIME_CLAIM } from './context.js';
export { reauthenticatedTokens } from './reauthentication.js';
export { BlacklistedTokenError } from './kinds.js';
export { issuePair, refreshPair, verifyToken, blacklistToken, answeredInGrace, TOKEN_REUSED, type TokenPair } from './operations.js';
export {
  drfJwtPayload, issueDrfJwt, decodeDrfJwt, drfJwtUsername, verifyDrfJwt, refreshDrfJwt,
  DrfJwtDecodeError, DRF_JWT_MESSAGES, type DrfJwtContext,
} from './drf-jwt.js';
export {
  Revocation, issuedBeforeCutoff, type RevocationOptions, type RevocationsSince, type TokenBlacklist, type UserCutoffs, type FamilyRevocations,
} from './revocation.js';
export { ExpiringSet } from './expiring-set.js';
export { SessionEnded, SESSION_EXPIRED } from './session-refusals.js';
export { overdueReason } from './session-policy.js';
