/**
 * `tessera/web`: tessera for the Web-standard `Request`/`Response` API (Hono, Next.js route
 * handlers and middleware, Bun, Deno). `tesseraWeb(tessera)` answers the token, account and
 * session views, `authenticate(request, permission)` protects your routes, and `errorResponse`
 * gives DRF's answers; every answer is the ready server's, byte for byte.
 */
export {
  tesseraWeb, type TesseraWeb, type TesseraWebOptions, type ClientInfo, type WebAuthentication, type WebAuthenticateOptions,
} from './adapter.js';
export type { ClientIpOptions } from './client-ip.js';
export { refreshOncePerWave, type WaveRefresher, type WaveRefresherOptions, type WaveClient } from './refresh-once-per-wave.js';
export {
  cookieHandOver, type CookieHandOff, type CookieHandOver, type CookieHandOverOptions, type HandOverOutcome,
} from './cookie-hand-over.js';
export { AllowAny, IsAdminUser, IsAuthenticated, IsAuthenticatedOrReadOnly, Fresh, HasPermission, ModelPermissions, REAUTHENTICATION_REQUIRED, type Permission } from '../auth/index.js';
export {
  charField, defineView, emailField, integerField, readOnlyField, validate,
  type Field, type View, type ViewConfig, type ViewReply, type ViewRequest,
} from '../contract/index.js';
