import type { User } from '../store/index.js';
import { AUTH_TIME_CLAIM, type Token } from '../tokens/index.js';

/** What a permission sees of a request. */
export interface PermissionRequest {
  method: string;
  user: User | null;
  /** The validated token that authenticated the request (DRF's `request.auth`), when one did. */
  token?: Token | null;
  /**
   * The user's effective permissions (`app_label.codename`), read from the database by
   * `authorize` for a permission that `readsPermissions` when the token carries none.
   */
  permissions?: readonly string[];
}

/** DRF's permission classes: a check, and the message used when it fails for a signed-in user. */
export interface Permission {
  readonly name: string;
  hasPermission(request: PermissionRequest): boolean;
  /** DRF's `message` attribute: the 403's `detail` when this fails for a signed-in user. */
  readonly message?: string;
  /** DRF's `code` attribute: when set, the 403's body carries it as `code`. */
  readonly code?: string;
  /** For a combination: the permission that fails this request, whose message and code answer. */
  failing?(request: PermissionRequest): Permission | undefined;
  /** Needs the user's permissions (`PermissionRequest.permissions`) when the token has no `permissions` claim. */
  readonly readsPermissions?: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const AllowAny: Permission = { name: 'AllowAny', hasPermission: () => true };

export const IsAuthenticated: Permission = {
  name: 'IsAuthenticated',
  hasPermission: ({ user }) => user !== null,
};

export const IsAuthenticatedOrReadOnly: Permission = {
  name: 'IsAuthenticatedOrReadOnly',
  hasPermission: ({ method, user }) => SAFE_METHODS.has(method) || user !== null,
};

export const IsAdminUser: Permission = {
  name: 'IsAdminUser',
  hasPermission: ({ user }) => user?.isStaff === true,
};

/** The stable code of `Fresh`'s refusal, which tells a client to re-authenticate. */
export const REAUTHENTICATION_REQUIRED = 'reauthentication_required';
export const REAUTHENTICATION_MESSAGE = 'This action needs a recent login; re-authenticate with your password.';

/**
 * A signed-in user whose login (the token's `auth_time`) is at most `seconds` old, by the token's
 * own clock (the injected one). A token without `auth_time` (issued before it existed, or another
 * scheme: sessions, knox) is not fresh. Fails with 403 `reauthentication_required`; anonymous
 * requests get 401 as with `IsAuthenticated`.
 */
export function Fresh(seconds: number): Permission {
  // A typo (NaN, a negative) must not quietly let every login through, nor refuse every one.
  if (!(Number.isFinite(seconds) && seconds > 0)) throw new TypeError(`Fresh(seconds): seconds must be a positive number, got ${String(seconds)}`);
  return {
    name: `Fresh(${seconds})`,
    message: REAUTHENTICATION_MESSAGE,
    code: REAUTHENTICATION_REQUIRED,
    hasPermission: ({ user, token }) => {
      if (user === null || !token) return false;
      const authTime = token.get(AUTH_TIME_CLAIM);
      if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return false;
      return Math.floor(token.context.clock() / 1000) - authTime <= seconds;
    },
  };
}

/** Every permission must pass (DRF's list of `permission_classes`); the first that fails gives the 403. */
export function allOf(...permissions: Permission[]): Permission {
  if (permissions.length === 1) return permissions[0]!;
  const failing = (request: PermissionRequest) => permissions.find((p) => !p.hasPermission(request));
  return {
    name: permissions.map((p) => p.name).join(' & '),
    hasPermission: (request) => failing(request) === undefined,
    failing,
    readsPermissions: permissions.some((p) => p.readsPermissions === true),
  };
}
