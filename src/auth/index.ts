export { authenticateCredentials, type CredentialsBackend } from './credentials.js';
export { JWTAuthentication } from './jwt-authentication.js';
export { authenticateRequest, type Authenticator, type Authenticated, type RequestCredentials } from './authenticator.js';
export { AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly, IsAdminUser, type Permission, type PermissionRequest } from './permissions.js';
