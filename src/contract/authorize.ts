import { authenticateRequest, BasicAuthentication, needsStoredPermissions, type Authenticated, type Authenticator, type Permission, type PermissionRequest } from '../auth/index.js';
import type { Tessera } from '../core/index.js';
import { AuthenticationFailed, NotAuthenticated, PermissionDenied } from '../errors.js';
import { basicAccount } from './login-account.js';

/** What authentication and permissions read of a request. */
export interface AuthorizedRequest {
  method: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  ip: string;
  /** The parsed body, when already read (Django's CSRF check reads a form's token). */
  body?: unknown;
}

/**
 * DRF's `initial()`: authenticate with the view's classes, then apply its permission; the user
 * (or null) when the request may go on, else `NotAuthenticated` (401, or 403 for a class with no
 * challenge) or `PermissionDenied`. Basic authentication is a login: its failures are throttled
 * and audited like the login views' (`route` is recorded as the event's path).
 */
export async function authorize(
  tessera: Tessera, request: AuthorizedRequest, permission: Permission, authenticators: readonly Authenticator[], route: string,
): Promise<Authenticated | null> {
  const basic = authenticators.some((a) => a instanceof BasicAuthentication) ? basicAccount(request.headers, tessera.settings.loginField) : null;
  const reservation = basic !== null && tessera.throttle.enabled ? await tessera.throttle.check('login', request.ip, basic) : null;
  let result: Authenticated | null;
  try {
    result = await authenticateRequest(authenticators, request);
  } catch (error) {
    if (basic !== null && error instanceof AuthenticationFailed) {
      await tessera.audit.record({
        type: 'login_failed', username: basic, ip: request.ip, userAgent: String(request.headers['user-agent'] ?? ''),
        detail: { path: route, scheme: 'basic' },
      });
    } else {
      await reservation?.giveBack();
    }
    throw error;
  }
  await reservation?.giveBack();
  const user = result?.user ?? null;
  const asked: PermissionRequest = { method: request.method, user, token: result?.token ?? null };
  // HasPermission without a `permissions` claim: the user's permissions, read once for the request.
  if (user && needsStoredPermissions(permission, asked)) asked.permissions = await tessera.permissions.permissionsOf(user);
  if (permission.hasPermission(asked)) return result;
  if (!user && authenticators.length > 0) throw new NotAuthenticated();
  throw permissionDenied(permission, asked);
}

/** DRF's `permission_denied`: the failing permission's `message`, and its `code` in the body when it has one. */
export function permissionDenied(permission: Permission, request: PermissionRequest): PermissionDenied {
  const failed = permission.failing?.(request) ?? permission;
  return failed.code === undefined ? new PermissionDenied(failed.message) : new PermissionDenied(failed.message, failed.code, true);
}
