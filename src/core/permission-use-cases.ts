import { NotFound } from '../errors.js';
import {
  parsePermissionName, PermissionNameError, type AuditLog, type StoredGroup, type StoredPermission, type Store, type User, type UserFields,
} from '../store/index.js';

/** The claims `permissionClaims` puts in access tokens. */
export interface PermissionClaims {
  /** The user's group names. */
  roles: string[];
  /** The user's effective permissions as `app_label.codename`. */
  permissions: string[];
}

/** A group with its permissions, as `listGroups` answers. */
export interface GroupInfo extends StoredGroup {
  permissions: string[];
}

/**
 * Django's groups and permissions, for apps with or without Django: what a user has (`has_perm`'s
 * rules) and the changes staff make. Permissions are written `app_label.codename`.
 */
export interface PermissionUseCases {
  /** The names of the user's groups, sorted. */
  groupsOf(userId: number): Promise<string[]>;
  /** The permissions given to the user directly (Django's `user_permissions`). */
  userPermissionsOf(userId: number): Promise<string[]>;
  /**
   * Django's `get_all_permissions`: none for an inactive user, every permission tessera knows for
   * an active superuser, else the user's own and their groups', sorted.
   */
  permissionsOf(user: User): Promise<string[]>;
  /** Django's `has_perm`: an active superuser has every permission (even one never created); an inactive user none. */
  hasPermission(user: User, permission: string): Promise<boolean>;
  /** What `permissionClaims` puts in an access token. */
  claimsOf(user: User): Promise<PermissionClaims>;
  /** Creates the permission (Django's default name unless `name` is given); the same one when it exists. */
  createPermission(permission: string, name?: string): Promise<StoredPermission>;
  listPermissions(): Promise<StoredPermission[]>;
  /** Deletes the permission and every grant of it; false when there was none. */
  deletePermission(permission: string): Promise<boolean>;
  /** Gives the user the permission (created when new); false when they had it directly. */
  grant(userId: number, permission: string): Promise<boolean>;
  /** Takes the permission given to the user directly; false when they had none. A group's stays. */
  revoke(userId: number, permission: string): Promise<boolean>;
  /** Creates the group, with these permissions added (created when new). */
  createGroup(name: string, permissions?: readonly string[]): Promise<GroupInfo>;
  listGroups(): Promise<GroupInfo[]>;
  /** Deletes the group; its members lose what it gave them. False when there was none. */
  deleteGroup(name: string): Promise<boolean>;
  /** Gives the group the permission (created when new); false when it had it. `not_found` for no such group. */
  grantToGroup(group: string, permission: string): Promise<boolean>;
  /** Takes the permission from the group; false when it did not have it. */
  revokeFromGroup(group: string, permission: string): Promise<boolean>;
  /** Puts the user in the group (created when new); false when they were in it. */
  addToGroup(userId: number, group: string): Promise<boolean>;
  /** Takes the user out of the group; false when they were not in it. */
  removeFromGroup(userId: number, group: string): Promise<boolean>;
  /** A custom user model's own columns, as `import-django` kept them (`{}` when none). */
  fieldsOf(userId: number): Promise<UserFields>;
  /** Replaces those fields. */
  setFields(userId: number, fields: UserFields): Promise<void>;
}

/** Django's `Group.name` is varchar(150). */
const GROUP_NAME = /^\S(?:.{0,148}\S)?$/su;

export function permissionUseCases(deps: { store: Store; audit: AuditLog }): PermissionUseCases {
  const { store, audit } = deps;
  const { groups, permissions } = store;

  const requireUser = async (userId: number): Promise<User> => {
    const user = await store.users.findById(userId);
    if (!user) throw new NotFound(`No user with id ${userId}.`);
    return user;
  };
  const requireGroup = async (name: string): Promise<StoredGroup> => {
    const group = await groups.findByName(name);
    if (!group) throw new NotFound(`No group named ${JSON.stringify(name)}.`);
    return group;
  };
  const groupName = (name: string): string => {
    if (!GROUP_NAME.test(name)) throw new PermissionNameError(`${JSON.stringify(name)} is not a group name: 1 to 150 characters, not starting or ending with a space`);
    return name;
  };
  /** One audit event per change that took effect: who, and which permission or group, never more. */
  const changed = (user: User | null, action: string, detail: Record<string, string>): void => {
    void audit.record({ type: 'permissions_changed', userId: user?.id ?? null, username: user?.username ?? null, detail: { action, ...detail } });
  };
  const permissionsOf = async (user: User): Promise<string[]> => {
    if (!user.isActive) return [];
    return user.isSuperuser ? permissions.allNames() : permissions.effectiveOf(user.id);
  };
  const groupInfo = async (group: StoredGroup): Promise<GroupInfo> => ({ ...group, permissions: await groups.permissionsOf(group.id) });

  return {
    groupsOf: (userId) => groups.namesOfUser(userId),
    userPermissionsOf: (userId) => permissions.ofUser(userId),
    permissionsOf,
    hasPermission: async (user, permission) => {
      if (!user.isActive) return false;
      if (user.isSuperuser) return true;
      return (await permissions.effectiveOf(user.id)).includes(permission);
    },
    claimsOf: async (user) => {
      const [roles, granted] = await Promise.all([groups.namesOfUser(user.id), permissionsOf(user)]);
      return { roles, permissions: granted };
    },
    createPermission: async (permission, name) => {
      const parsed = parsePermissionName(permission);
      await permissions.ensure(parsed, name);
      return (await permissions.find(parsed))!;
    },
    listPermissions: () => permissions.list(),
    deletePermission: async (permission) => {
      const deleted = await permissions.delete(parsePermissionName(permission));
      if (deleted) changed(null, 'permission_deleted', { permission });
      return deleted;
    },
    grant: async (userId, permission) => {
      const parsed = parsePermissionName(permission);
      const user = await requireUser(userId);
      const done = await permissions.grantToUser(user.id, await permissions.ensure(parsed));
      if (done) changed(user, 'permission_granted', { permission });
      return done;
    },
    revoke: async (userId, permission) => {
      const parsed = parsePermissionName(permission);
      const user = await requireUser(userId);
      const found = await permissions.find(parsed);
      const done = found !== null && (await permissions.revokeFromUser(user.id, found.id));
      if (done) changed(user, 'permission_revoked', { permission });
      return done;
    },
    createGroup: async (name, granted = []) => {
      const parsed = granted.map(parsePermissionName);
      const id = await groups.ensure(groupName(name));
      for (const permission of parsed) await groups.grant(id, await permissions.ensure(permission));
      return groupInfo({ id, name });
    },
    listGroups: async () => Promise.all((await groups.list()).map(groupInfo)),
    deleteGroup: async (name) => {
      const deleted = await groups.delete(name);
      if (deleted) changed(null, 'group_deleted', { group: name });
      return deleted;
    },
    grantToGroup: async (name, permission) => {
      const parsed = parsePermissionName(permission);
      const group = await requireGroup(name);
      const done = await groups.grant(group.id, await permissions.ensure(parsed));
      if (done) changed(null, 'group_permission_granted', { group: name, permission });
      return done;
    },
    revokeFromGroup: async (name, permission) => {
      const parsed = parsePermissionName(permission);
      const group = await requireGroup(name);
      const found = await permissions.find(parsed);
      const done = found !== null && (await groups.revoke(group.id, found.id));
      if (done) changed(null, 'group_permission_revoked', { group: name, permission });
      return done;
    },
    addToGroup: async (userId, name) => {
      const user = await requireUser(userId);
      const done = await groups.addUser(await groups.ensure(groupName(name)), user.id);
      if (done) changed(user, 'group_joined', { group: name });
      return done;
    },
    removeFromGroup: async (userId, name) => {
      const user = await requireUser(userId);
      const group = await groups.findByName(name);
      const done = group !== null && (await groups.removeUser(group.id, user.id));
      if (done) changed(user, 'group_left', { group: name });
      return done;
    },
    fieldsOf: (userId) => store.userFields.get(userId),
    setFields: async (userId, fields) => {
      await requireUser(userId);
      await store.userFields.set(userId, fields);
    },
  };
}
