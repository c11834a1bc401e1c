/**
 * `tessera/express`: tessera for Express 5. `tesseraExpress(tessera)` gives the token, account
 * and session views as middleware, `authenticate(permission)` for your routes (setting
 * `req.user`), and DRF-shaped errors; the answers are the ready server's, byte for byte.
 */
export { tesseraExpress, type TesseraExpress, type TesseraExpressOptions, type ExpressRequest, type Middleware, type ErrorMiddleware } from './adapter.js';
export { AllowAny, IsAdminUser, IsAuthenticated, IsAuthenticatedOrReadOnly, Fresh, HasPermission, ModelPermissions, REAUTHENTICATION_REQUIRED, type Permission } from '../auth/index.js';
export {
  charField, defineView, emailField, integerField, readOnlyField, validate,
  type Field, type View, type ViewConfig, type ViewReply, type ViewRequest,
} from '../contract/index.js';
