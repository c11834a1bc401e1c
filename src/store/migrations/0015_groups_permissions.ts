import type { Kysely, Migration } from 'kysely';
import { addIdColumn } from './columns.js';

/**
 * Django's groups and permissions (`auth_group`, `auth_permission`, their many-to-many tables),
 * plus the fields of a custom user model that `auth_user` has no column for. A permission names
 * its app itself (`app_label`) where Django points to `django_content_type`: tessera has no
 * models, and Django spells a permission `app_label.codename` everywhere it checks one.
 */
export const groupsPermissions: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('auth_group')
      .$call(addIdColumn(db))
      .addColumn('name', 'varchar(150)', (c) => c.notNull().unique())
      .execute();
    await db.schema
      .createTable('auth_permission')
      .$call(addIdColumn(db))
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('app_label', 'varchar(100)', (c) => c.notNull())
      .addColumn('codename', 'varchar(100)', (c) => c.notNull())
      .addUniqueConstraint('auth_permission_app_label_codename', ['app_label', 'codename'])
      .execute();
    await db.schema
      .createTable('auth_group_permissions')
      .$call(addIdColumn(db))
      .addColumn('group_id', 'integer', (c) => c.notNull().references('auth_group.id').onDelete('cascade'))
      .addColumn('permission_id', 'integer', (c) => c.notNull().references('auth_permission.id').onDelete('cascade'))
      .addUniqueConstraint('auth_group_permissions_group_id_permission_id', ['group_id', 'permission_id'])
      .execute();
    await db.schema
      .createTable('auth_user_groups')
      .$call(addIdColumn(db))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
      .addColumn('group_id', 'integer', (c) => c.notNull().references('auth_group.id').onDelete('cascade'))
      .addUniqueConstraint('auth_user_groups_user_id_group_id', ['user_id', 'group_id'])
      .execute();
    await db.schema
      .createTable('auth_user_user_permissions')
      .$call(addIdColumn(db))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
      .addColumn('permission_id', 'integer', (c) => c.notNull().references('auth_permission.id').onDelete('cascade'))
      .addUniqueConstraint('auth_user_user_permissions_user_id_permission_id', ['user_id', 'permission_id'])
      .execute();
    // The unique constraints index user_id and group_id first; these serve the other direction.
    await db.schema.createIndex('auth_group_permissions_permission_id').on('auth_group_permissions').column('permission_id').execute();
    await db.schema.createIndex('auth_user_groups_group_id').on('auth_user_groups').column('group_id').execute();
    await db.schema.createIndex('auth_user_user_permissions_permission_id').on('auth_user_user_permissions').column('permission_id').execute();
    // A custom user model's own columns (department, phone, ...) as one JSON object per user.
    await db.schema
      .createTable('tessera_user_fields')
      .addColumn('user_id', 'integer', (c) => c.primaryKey().references('auth_user.id').onDelete('cascade'))
      .addColumn('fields', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ['tessera_user_fields', 'auth_user_user_permissions', 'auth_user_groups', 'auth_group_permissions', 'auth_permission', 'auth_group']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
