import { createParamDecorator, SetMetadata, type CustomDecorator, type ExecutionContext } from '@nestjs/common';
import { HasPermission, type Permission } from '../auth/index.js';
import type { AuthenticationClassName } from '../settings/index.js';
import type { User as TesseraUser } from '../store/index.js';
import type { NestHttpRequest } from './request.js';

/** Metadata keys the guard reads, on the handler first, then on the controller. */
export const PERMISSION_CLASSES = 'tessera:permission_classes';
export const AUTHENTICATION_CLASSES = 'tessera:authentication_classes';

/**
 * DRF's `@permission_classes([...])` on a handler or a controller: the request goes on only when
 * every one allows it. Without it, `TesseraAuthGuard` asks for `IsAuthenticated`.
 */
export function PermissionClasses(...permissions: Permission[]): CustomDecorator<string> {
  return SetMetadata(PERMISSION_CLASSES, permissions);
}

/**
 * Django's `@permission_required('notes.change_note', ...)` for a handler or a controller: the
 * signed-in user must have every one (`HasPermission`). It stands for `@PermissionClasses` on the
 * same target; to add another class, write `@PermissionClasses(Fresh(600), HasPermission(...))`.
 */
export function RequirePermissions(...permissions: string[]): CustomDecorator<string> {
  return SetMetadata(PERMISSION_CLASSES, [HasPermission(...permissions)]);
}

/** DRF's `@authentication_classes([...])`: the classes that may authenticate (default: the settings' `authenticationClasses`). */
export function AuthenticationClasses(...names: AuthenticationClassName[]): CustomDecorator<string> {
  return SetMetadata(AUTHENTICATION_CLASSES, names);
}

const currentUser = createParamDecorator((_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<NestHttpRequest>().user);

/** The user `TesseraAuthGuard` authenticated (DRF's `request.user`); undefined for an anonymous request. */
export function User(): ParameterDecorator {
  return currentUser();
}

/** A user of tessera's store, as `@User()` gives it. */
export type User = TesseraUser;
