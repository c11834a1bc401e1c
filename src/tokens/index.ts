export { Token, type TokenClass } from './token.js';
export { AccessToken, RefreshToken, UntypedToken } from './kinds.js';
export { TokenError, TOKEN_MESSAGES } from './errors.js';
export type { TokenContext, CustomClaims } from './context.js';
export { issuePair, refreshPair, verifyToken, blacklistToken, type TokenPair } from './operations.js';
export {
  drfJwtPayload, issueDrfJwt, decodeDrfJwt, drfJwtUsername, verifyDrfJwt, refreshDrfJwt,
  DrfJwtDecodeError, DRF_JWT_MESSAGES, type DrfJwtContext,
} from './drf-jwt.js';
