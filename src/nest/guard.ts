import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { allOf, AllowAny, IsAuthenticated, type Permission } from '../auth/index.js';
import { authorize, rememberAuthenticators } from '../contract/index.js';
import type { Tessera } from '../core/index.js';
import type { AuthenticationClassName } from '../settings/index.js';
import { AUTHENTICATION_CLASSES, PERMISSION_CLASSES } from './decorators.js';
import type { NestHttpRequest } from './request.js';
import { TESSERA } from './tokens.js';

/**
 * DRF's authentication and permission check for Nest routes: authenticates with the settings'
 * classes (or `@AuthenticationClasses`), applies `@PermissionClasses` (default `IsAuthenticated`)
 * and sets `request.user` and `request.auth`. A refusal is thrown as tessera's coded error, which
 * `TesseraExceptionFilter` answers as DRF does (401 with `WWW-Authenticate`, or 403).
 */
@Injectable()
export class TesseraAuthGuard implements CanActivate {
  /** Several permission classes as one, made once per decorator. */
  private readonly combined = new WeakMap<readonly Permission[], Permission>();

  constructor(@Inject(TESSERA) private readonly tessera: Tessera, @Inject(Reflector) private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // tessera authenticates HTTP requests; a global guard leaves WebSocket and RPC handlers alone.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const permission = this.permissionOf(this.reflector.getAllAndOverride<Permission[] | undefined>(PERMISSION_CLASSES, targets));
    const names = this.reflector.getAllAndOverride<AuthenticationClassName[] | undefined>(AUTHENTICATION_CLASSES, targets);
    const authenticators = this.tessera.authenticatorsFor(names);
    const request = context.switchToHttp().getRequest<NestHttpRequest>();
    const credentials = { method: request.method, headers: request.headers, ip: request.ip ?? '', body: request.body };
    // A token seen before, its user read a moment ago: no promise (`Authenticator.authenticateNow`).
    const now = authenticators[0]?.authenticateNow?.(credentials);
    if (now && permission.hasPermission({ method: request.method, user: now.user, token: now.token })) {
      request.user = now.user;
      request.auth = now.token ?? undefined;
      return true;
    }
    rememberAuthenticators(request, authenticators);
    const result = await authorize(this.tessera, credentials, permission, authenticators, request.originalUrl ?? request.url);
    request.user = result?.user ?? undefined;
    request.auth = result?.token ?? undefined;
    return true;
  }

  private permissionOf(permissions: readonly Permission[] | undefined): Permission {
    if (!permissions) return IsAuthenticated;
    // DRF's `permission_classes = []`: nothing to check.
    if (permissions.length === 0) return AllowAny;
    if (permissions.length === 1) return permissions[0]!;
    let all = this.combined.get(permissions);
    if (!all) {
      all = allOf(...permissions);
      this.combined.set(permissions, all);
    }
    return all;
  }
}
