/**
 * `tessera/nest`: tessera for NestJS 11, on its Express and Fastify platforms.
 * `TesseraModule.forRoot(...)` serves the token, account and session views (the ready server's
 * answers, byte for byte) and gives the core under `TESSERA`; `TesseraAuthGuard` with
 * `@PermissionClasses(...)` protects your routes, `@User()` hands a handler the user.
 */
export { TesseraModule, type TesseraModuleAsyncOptions } from './module.js';
export type { TesseraModuleOptions } from './runtime.js';
export { TesseraAuthGuard } from './guard.js';
export { TesseraExceptionFilter } from './exception-filter.js';
export { TesseraNotFoundFilter } from './not-found-filter.js';
export { AuthenticationClasses, AUTHENTICATION_CLASSES, PermissionClasses, PERMISSION_CLASSES, RequirePermissions, User } from './decorators.js';
export { TESSERA } from './tokens.js';
export type { NestHttpRequest } from './request.js';
export { AllowAny, IsAdminUser, IsAuthenticated, IsAuthenticatedOrReadOnly, Fresh, HasPermission, ModelPermissions, REAUTHENTICATION_REQUIRED, type Permission } from '../auth/index.js';
export {
  charField, defineView, emailField, integerField, readOnlyField, validate,
  type Field, type View, type ViewConfig, type ViewReply, type ViewRequest,
} from '../contract/index.js';
