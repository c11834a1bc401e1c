import { parsePermissionName } from '../store/index.js';
import type { Permission, PermissionRequest } from './permissions.js';

/** The access token claim `permissionClaims` fills: the user's permissions as `app_label.codename`. */
export const PERMISSIONS_CLAIM = 'permissions';
/** The access token claim `permissionClaims` fills: the user's group names. */
export const ROLES_CLAIM = 'roles';

/** The permissions a request's token carries, or null when it carries no `permissions` list. */
export function claimedPermissions(request: PermissionRequest): readonly string[] | null {
  const claimed = request.token?.get(PERMISSIONS_CLAIM);
  return Array.isArray(claimed) && claimed.every((p) => typeof p === 'string') ? (claimed as string[]) : null;
}

/** Whether `authorize` must read the user's permissions from the database for this request. */
export function needsStoredPermissions(permission: Permission, request: PermissionRequest): boolean {
  const { user } = request;
  return permission.readsPermissions === true && user !== null && user.isActive && !user.isSuperuser && claimedPermissions(request) === null;
}

/** Whether the request's user has every one of `required`, by Django's `has_perms` rules. */
function holdsAll(request: PermissionRequest, required: readonly string[]): boolean {
  const { user } = request;
  if (user === null || !user.isActive) return false;
  // Django's ModelBackend: an active superuser has every permission, even one never created.
  if (user.isSuperuser) return true;
  const held = claimedPermissions(request) ?? request.permissions;
  if (!held) return false;
  return required.every((permission) => held.includes(permission));
}

/**
 * A signed-in user with every one of these permissions (`app_label.codename`), as Django's
 * `user.has_perms([...])`: their own and their groups'; an active superuser has all, an inactive
 * user none. Reads the access token's `permissions` claim when it has one (`permissionClaims`),
 * else the database. Refused with DRF's 403 (`permission_denied`); anonymous requests get 401.
 */
export function HasPermission(...permissions: string[]): Permission {
  if (permissions.length === 0) throw new TypeError('HasPermission(...permissions): name at least one permission, as app_label.codename');
  // A misspelt name must fail at start-up, not refuse every request.
  for (const permission of permissions) {
    try {
      parsePermissionName(permission);
    } catch (error) {
      throw new TypeError(`HasPermission: ${(error as Error).message}`);
    }
  }
  const required = [...permissions];
  return {
    name: `HasPermission(${required.join(', ')})`,
    readsPermissions: true,
    hasPermission: (request) => holdsAll(request, required),
  };
}

/** DRF's `DjangoModelPermissions.perms_map`: the actions each method needs (`%(model)s` after it). */
const MODEL_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  GET: [], OPTIONS: [], HEAD: [], POST: ['add'], PUT: ['change'], PATCH: ['change'], DELETE: ['delete'],
};

/**
 * DRF's `DjangoModelPermissions` for the model `app_label.model` (`notes.note`): a signed-in user,
 * and POST needs `notes.add_note`, PUT and PATCH `notes.change_note`, DELETE `notes.delete_note`;
 * reading needs nothing more, or `notes.view_note` with `{ view: true }`. Other methods are refused.
 */
export function ModelPermissions(model: string, options: { view?: boolean } = {}): Permission {
  let parsed: { appLabel: string; codename: string };
  try {
    parsed = parsePermissionName(model);
  } catch {
    throw new TypeError(`ModelPermissions: ${JSON.stringify(model)} is not a model: write it as app_label.model (notes.note)`);
  }
  const { appLabel, codename: modelName } = parsed;
  const name = (action: string) => `${appLabel}.${action}_${modelName.toLowerCase()}`;
  const byMethod = new Map(Object.entries(MODEL_ACTIONS).map(([method, actions]) => {
    const needed = options.view && ['GET', 'HEAD'].includes(method) ? ['view'] : actions;
    return [method, needed.map(name)] as const;
  }));
  return {
    name: `ModelPermissions(${model})`,
    readsPermissions: true,
    hasPermission: (request) => {
      const required = byMethod.get(request.method);
      if (!required || request.user === null) return false;
      return required.length === 0 || holdsAll(request, required);
    },
  };
}
