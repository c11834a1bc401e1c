import type { User } from '../store/index.js';

/** What a permission sees of a request. */
export interface PermissionRequest {
  method: string;
  user: User | null;
}

/** DRF's permission classes: a check, and the message used when it fails for a signed-in user. */
export interface Permission {
  readonly name: string;
  hasPermission(request: PermissionRequest): boolean;
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
