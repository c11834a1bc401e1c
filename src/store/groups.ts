import type { Kysely } from 'kysely';
import type { CoreSchema } from './schema.js';
import { permissionNameOf } from './permission-names.js';

/** A row of `auth_group`. */
export interface StoredGroup {
  id: number;
  name: string;
}

/** Reads and writes `auth_group`, `auth_group_permissions` and `auth_user_groups`. */
export class GroupRepository {
  constructor(private readonly db: Kysely<CoreSchema>) {}

  /** The group named `name`, created when new; its id. */
  async ensure(name: string): Promise<number> {
    await this.db.insertInto('auth_group').values({ name }).onConflict((oc) => oc.column('name').doNothing()).execute();
    return (await this.findByName(name))!.id;
  }

  async findByName(name: string): Promise<StoredGroup | null> {
    return (await this.db.selectFrom('auth_group').selectAll().where('name', '=', name).executeTakeFirst()) ?? null;
  }

  /** Every group, by name. */
  async list(): Promise<StoredGroup[]> {
    return this.db.selectFrom('auth_group').selectAll().orderBy('name').execute();
  }

  /** Deletes the group (its members and permissions with it); false when there was none. */
  async delete(name: string): Promise<boolean> {
    const { numDeletedRows } = await this.db.deleteFrom('auth_group').where('name', '=', name).executeTakeFirst();
    return numDeletedRows > 0n;
  }

  /** Adds the user to the group; false when they were in it. */
  async addUser(groupId: number, userId: number): Promise<boolean> {
    const { numInsertedOrUpdatedRows } = await this.db.insertInto('auth_user_groups')
      .values({ user_id: userId, group_id: groupId })
      .onConflict((oc) => oc.columns(['user_id', 'group_id']).doNothing())
      .executeTakeFirst();
    return (numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  /** Takes the user out of the group; false when they were not in it. */
  async removeUser(groupId: number, userId: number): Promise<boolean> {
    const { numDeletedRows } = await this.db.deleteFrom('auth_user_groups').where('user_id', '=', userId).where('group_id', '=', groupId).executeTakeFirst();
    return numDeletedRows > 0n;
  }

  /** The names of the user's groups, sorted. */
  async namesOfUser(userId: number): Promise<string[]> {
    const rows = await this.db.selectFrom('auth_group as g')
      .innerJoin('auth_user_groups as ug', 'ug.group_id', 'g.id')
      .select('g.name as name')
      .where('ug.user_id', '=', userId)
      .orderBy('g.name')
      .execute();
    return rows.map((r) => r.name);
  }

  /** Gives the group the permission; false when it had it. */
  async grant(groupId: number, permissionId: number): Promise<boolean> {
    const { numInsertedOrUpdatedRows } = await this.db.insertInto('auth_group_permissions')
      .values({ group_id: groupId, permission_id: permissionId })
      .onConflict((oc) => oc.columns(['group_id', 'permission_id']).doNothing())
      .executeTakeFirst();
    return (numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  /** Takes the permission from the group; false when it did not have it. */
  async revoke(groupId: number, permissionId: number): Promise<boolean> {
    const { numDeletedRows } = await this.db.deleteFrom('auth_group_permissions')
      .where('group_id', '=', groupId).where('permission_id', '=', permissionId).executeTakeFirst();
    return numDeletedRows > 0n;
  }

  /** The group's permissions as `app_label.codename`, sorted. */
  async permissionsOf(groupId: number): Promise<string[]> {
    const rows = await this.db.selectFrom('auth_permission as p')
      .innerJoin('auth_group_permissions as gp', 'gp.permission_id', 'p.id')
      .select(['p.app_label as appLabel', 'p.codename as codename'])
      .where('gp.group_id', '=', groupId)
      .execute();
    return rows.map(permissionNameOf).sort();
  }
}
