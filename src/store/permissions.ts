import type { Kysely } from 'kysely';
import type { CoreSchema } from './schema.js';
import { defaultPermissionTitle, permissionNameOf, type PermissionName } from './permission-names.js';

/** A row of `auth_permission`. */
export interface StoredPermission extends PermissionName {
  id: number;
  /** `app_label.codename`. */
  permission: string;
  /** Django's human name (`Can change note`). */
  name: string;
}

/** Reads and writes `auth_permission` and `auth_user_user_permissions`; a user's effective permissions. */
export class PermissionRepository {
  constructor(private readonly db: Kysely<CoreSchema>) {}

  /** The permission, created (with Django's default name unless `name` is given) when new; its id. */
  async ensure(permission: PermissionName, name?: string): Promise<number> {
    const { appLabel, codename } = permission;
    await this.db.insertInto('auth_permission')
      .values({ app_label: appLabel, codename, name: name ?? defaultPermissionTitle(codename) })
      .onConflict((oc) => oc.columns(['app_label', 'codename']).doNothing())
      .execute();
    if (name !== undefined) {
      await this.db.updateTable('auth_permission').set({ name }).where('app_label', '=', appLabel).where('codename', '=', codename).execute();
    }
    return (await this.find(permission))!.id;
  }

  async find({ appLabel, codename }: PermissionName): Promise<StoredPermission | null> {
    const row = await this.db.selectFrom('auth_permission').selectAll().where('app_label', '=', appLabel).where('codename', '=', codename).executeTakeFirst();
    return row ? toPermission(row) : null;
  }

  /** Every permission, by app label and codename. */
  async list(): Promise<StoredPermission[]> {
    const rows = await this.db.selectFrom('auth_permission').selectAll().orderBy('app_label').orderBy('codename').execute();
    return rows.map(toPermission);
  }

  /** Deletes the permission (and every grant of it); false when there was none. */
  async delete({ appLabel, codename }: PermissionName): Promise<boolean> {
    const { numDeletedRows } = await this.db.deleteFrom('auth_permission').where('app_label', '=', appLabel).where('codename', '=', codename).executeTakeFirst();
    return numDeletedRows > 0n;
  }

  /** Gives the user the permission directly; false when they had it. */
  async grantToUser(userId: number, permissionId: number): Promise<boolean> {
    const { numInsertedOrUpdatedRows } = await this.db.insertInto('auth_user_user_permissions')
      .values({ user_id: userId, permission_id: permissionId })
      .onConflict((oc) => oc.columns(['user_id', 'permission_id']).doNothing())
      .executeTakeFirst();
    return (numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  /** Takes the permission the user was given directly; false when they had none (a group's stays). */
  async revokeFromUser(userId: number, permissionId: number): Promise<boolean> {
    const { numDeletedRows } = await this.db.deleteFrom('auth_user_user_permissions')
      .where('user_id', '=', userId).where('permission_id', '=', permissionId).executeTakeFirst();
    return numDeletedRows > 0n;
  }

  /** The permissions given to the user directly (Django's `user_permissions`), as `app_label.codename`. */
  async ofUser(userId: number): Promise<string[]> {
    const rows = await this.db.selectFrom('auth_permission as p')
      .innerJoin('auth_user_user_permissions as up', 'up.permission_id', 'p.id')
      .select(['p.app_label as appLabel', 'p.codename as codename'])
      .where('up.user_id', '=', userId)
      .execute();
    return sortedNames(rows);
  }

  /**
   * Django's `get_all_permissions` for an active user who is not a superuser: the user's own
   * permissions and their groups', as `app_label.codename`, in one query.
   */
  async effectiveOf(userId: number): Promise<string[]> {
    const own = this.db.selectFrom('auth_permission as p')
      .innerJoin('auth_user_user_permissions as up', 'up.permission_id', 'p.id')
      .select(['p.app_label as appLabel', 'p.codename as codename'])
      .where('up.user_id', '=', userId);
    const viaGroups = this.db.selectFrom('auth_permission as p')
      .innerJoin('auth_group_permissions as gp', 'gp.permission_id', 'p.id')
      .innerJoin('auth_user_groups as ug', 'ug.group_id', 'gp.group_id')
      .select(['p.app_label as appLabel', 'p.codename as codename'])
      .where('ug.user_id', '=', userId);
    return sortedNames(await own.union(viaGroups).execute());
  }

  /** Every permission's `app_label.codename` (what a superuser has). */
  async allNames(): Promise<string[]> {
    return sortedNames(await this.db.selectFrom('auth_permission').select(['app_label as appLabel', 'codename']).execute());
  }
}

function sortedNames(rows: PermissionName[]): string[] {
  return [...new Set(rows.map(permissionNameOf))].sort();
}

function toPermission(row: { id: number; name: string; app_label: string; codename: string }): StoredPermission {
  const permission = { appLabel: row.app_label, codename: row.codename };
  return { id: row.id, ...permission, permission: permissionNameOf(permission), name: row.name };
}
