import { DjangoImportError } from './errors.js';
import type { DjangoSource } from './source.js';

/** How the import finds Django's user model: `AUTH_USER_MODEL` and what Django derives from it. */
export interface UserModelOptions {
  /** Django's `AUTH_USER_MODEL` (`accounts.User`); default `auth.User`, or the one custom model found. */
  userModel?: string;
  /** The model's table when its `Meta.db_table` is not Django's derived `app_label_modelname`. */
  userTable?: string;
  /** The column of the model's `USERNAME_FIELD` when it has no `username` column (default `email`). */
  usernameField?: string;
  /** Columns not to keep as user fields (a secret a custom model holds, say). */
  excludeFields?: readonly string[];
}

/** tessera's `auth_user` columns besides `id`: what a custom model's columns are matched against. */
export const TESSERA_USER_COLUMNS = [
  'password', 'last_login', 'is_superuser', 'username', 'first_name', 'last_name', 'email', 'is_staff', 'is_active', 'date_joined',
] as const;
export type TesseraUserColumn = (typeof TESSERA_USER_COLUMNS)[number];

/** A many-to-many table from the user model (`accounts_user_groups`) and its user column (`user_id`). */
export interface UserLinkTable {
  table: string;
  userColumn: string;
}

/** The Django user model the import reads. */
export interface DjangoUserModel {
  /** `auth.User`, `accounts.User`, or `table accounts_user` when only the table was named. */
  label: string;
  table: string;
  custom: boolean;
  /** Every column with its declared type, lower-case. */
  columns: Map<string, string>;
  /** The column tessera's `username` is read from (`username`, else the `USERNAME_FIELD`'s). */
  usernameColumn: string;
  /** tessera's columns the model has; the others get Django's defaults on insert and are left alone on update. */
  mapped: Set<TesseraUserColumn>;
  /** The model's own columns, kept as user fields. */
  extraColumns: string[];
  /** `PermissionsMixin`'s tables, when the model has them. */
  groups: UserLinkTable | null;
  permissions: UserLinkTable | null;
}

/** Every column `auth.User` has: the default model must have them all. */
const DEFAULT_MODEL_COLUMNS = ['id', ...TESSERA_USER_COLUMNS];
const MODEL_LABEL = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/;
const IDENTIFIER = /^[A-Za-z_]\w{0,62}$/;

/**
 * The user model the import reads: `options.userModel` (its table derived as Django does, or
 * `options.userTable`), else `auth_user` when there is one, else the only table that looks like a
 * custom `AbstractBaseUser` + `PermissionsMixin` model. Anything else is a one-line `DjangoImportError`.
 */
export async function resolveUserModel(source: DjangoSource, options: UserModelOptions = {}): Promise<DjangoUserModel> {
  let label: string;
  let table: string;
  if (options.userModel !== undefined) {
    const match = MODEL_LABEL.exec(options.userModel);
    if (!match) throw new DjangoImportError(`--user-model ${JSON.stringify(options.userModel)}: write it as Django's AUTH_USER_MODEL, app_label.ModelName (accounts.User)`);
    label = options.userModel;
    // Django's default db_table: "%s_%s" % (app_label, model_name), model_name lower-cased.
    table = options.userTable ?? `${match[1]}_${match[2]!.toLowerCase()}`;
  } else if (options.userTable !== undefined) {
    label = `table ${options.userTable}`;
    table = options.userTable;
  } else if (await source.columns('auth_user')) {
    label = 'auth.User';
    table = 'auth_user';
  } else {
    table = await detectCustomModel(source);
    label = `table ${table}`;
  }
  if (!IDENTIFIER.test(table)) throw new DjangoImportError(`${JSON.stringify(table)} is not a table name tessera reads`);
  const columns = await source.columnTypes(table);
  if (!columns) {
    if (table === 'auth_user') {
      throw new DjangoImportError(
        `${source.description} is not a Django database with django.contrib.auth: it has no auth_user table (for a custom AUTH_USER_MODEL, name it: --user-model app_label.ModelName)`,
      );
    }
    throw new DjangoImportError(`${source.description} has no ${table} table for the user model ${label} (--user-table names another)`);
  }
  const custom = table !== 'auth_user' || label !== 'auth.User';
  const required = custom ? ['id', 'password'] : DEFAULT_MODEL_COLUMNS;
  const missing = required.filter((column) => !columns.has(column));
  if (missing.length) {
    throw new DjangoImportError(
      `${source.description} is not a Django database tessera can read: its ${table} table has no ${missing.join(', ')} column${missing.length === 1 ? '' : 's'}`,
    );
  }
  const usernameColumn = usernameColumnOf(table, columns, options.usernameField);
  const excluded = new Set(options.excludeFields ?? []);
  const tesseraColumns = new Set<string>(['id', ...TESSERA_USER_COLUMNS]);
  return {
    label,
    table,
    custom,
    columns,
    usernameColumn,
    mapped: new Set(TESSERA_USER_COLUMNS.filter((column) => columns.has(column))),
    extraColumns: [...columns.keys()].filter((column) => !tesseraColumns.has(column) && !excluded.has(column)),
    groups: await linkTable(source, `${table}_groups`, 'group_id'),
    permissions: await linkTable(source, `${table}_user_permissions`, 'permission_id'),
  };
}

function usernameColumnOf(table: string, columns: Map<string, string>, asked: string | undefined): string {
  if (asked !== undefined) {
    if (!columns.has(asked)) throw new DjangoImportError(`--username-field ${JSON.stringify(asked)}: the ${table} table has no such column`);
    return asked;
  }
  if (columns.has('username')) return 'username';
  if (columns.has('email')) return 'email';
  throw new DjangoImportError(`the ${table} table has no username or email column: name its USERNAME_FIELD with --username-field COLUMN`);
}

/** Django's auto-created through table: `id`, the model's column (`user_id`), the other side's. */
async function linkTable(source: DjangoSource, table: string, otherColumn: string): Promise<UserLinkTable | null> {
  const columns = await source.columns(table);
  if (!columns?.has(otherColumn)) return null;
  const userColumn = [...columns].find((c) => c !== 'id' && c !== otherColumn && c.endsWith('_id'));
  return userColumn && columns.has('id') ? { table, userColumn } : null;
}

/** The one table with a user model's shape: `password`, `last_login` and PermissionsMixin's two tables. */
async function detectCustomModel(source: DjangoSource): Promise<string> {
  const tables = await source.tables();
  const names = new Set(tables);
  const candidates: string[] = [];
  for (const table of tables) {
    if (!names.has(`${table}_groups`) || !names.has(`${table}_user_permissions`)) continue;
    const columns = await source.columns(table);
    if (columns?.has('password') && columns.has('last_login')) candidates.push(table);
  }
  if (candidates.length === 1) return candidates[0]!;
  const why = candidates.length === 0
    ? 'it has no auth_user table, and no table looks like a custom AUTH_USER_MODEL'
    : `it has no auth_user table, and ${candidates.join(', ')} all look like a custom AUTH_USER_MODEL`;
  throw new DjangoImportError(
    `${source.description} is not a Django database with django.contrib.auth: ${why} (name it: --user-model app_label.ModelName)`,
  );
}

/** A table or column name as SQL, on SQLite and PostgreSQL alike. */
export function quoted(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
