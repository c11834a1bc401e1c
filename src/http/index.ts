export { tessera } from './plugin.js';
export type { Tessera, TesseraOptions } from './types.js';
export { charField, integerField, validate, type Field } from './fields.js';
export { requestData } from './body.js';
export { toErrorAnswer, MethodNotAllowed } from './errors.js';
export { AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly, IsAdminUser, type Permission } from '../auth/index.js';
export { NotFound, ValidationError, PermissionDenied, AuthenticationFailed } from '../errors.js';
