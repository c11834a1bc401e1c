export { authenticateCredentials, findLoginUser, type CredentialsBackend } from './credentials.js';
export { JWTAuthentication } from './jwt-authentication.js';
export { DrfJwtAuthentication } from './drf-jwt-authentication.js';
export { EitherJwtAuthentication } from './either-jwt-authentication.js';
export { BasicAuthentication, decodeBasicCredentials } from './basic-authentication.js';
export { TokenAuthentication } from './token-authentication.js';
export { SessionAuthentication } from './session-authentication.js';
export { SessionManager, SESSION_COOKIE_NAME, SESSION_COOKIE_AGE, type SessionManagerDeps } from './sessions.js';
export {
  enforceCsrf, csrfFailure, csrfTokenFor, newCsrfToken, CSRF_COOKIE_NAME, CSRF_COOKIE_AGE, type CsrfContext,
} from './csrf.js';
export { parseCookies, serializeCookie, type CookieOptions } from './cookies.js';
export { authorizationParts, usesScheme } from './authorization-header.js';
export { authenticateRequest, type Authenticator, type Authenticated, type RequestCredentials } from './authenticator.js';
export {
  AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly, IsAdminUser, Fresh, allOf, REAUTHENTICATION_REQUIRED, REAUTHENTICATION_MESSAGE,
  type Permission, type PermissionRequest,
} from './permissions.js';
export { HasPermission, ModelPermissions, PERMISSIONS_CLAIM, ROLES_CLAIM, claimedPermissions, needsStoredPermissions } from './has-permission.js';
export { assertMayChangeAccount, assertMayChangeStaffStatus, assertMayEndSessionsOf } from './staff-rules.js';
export { ACCESS_COOKIE_NAME, REFRESH_COOKIE_NAME, tokenCookie, tokenFromCookie } from './auth-cookies.js';
export { Throttle, LoginReservation, type ThrottleScope } from './throttle.js';
export { createAuthenticators, pickAuthenticators, type AuthenticatorDeps } from './authentication-classes.js';
