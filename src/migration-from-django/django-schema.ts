import { DjangoImportError } from './errors.js';
import type { DjangoSource } from './source.js';
import { resolveUserModel, type DjangoUserModel, type UserModelOptions } from './user-model.js';

/** The columns read from each Django table; Django 3.2 to 5 and Simple JWT 4 to 5 all have them. */
export const DJANGO_COLUMNS = {
  token_blacklist_outstandingtoken: ['id', 'jti', 'token', 'user_id', 'created_at', 'expires_at'],
  token_blacklist_blacklistedtoken: ['id', 'token_id', 'blacklisted_at'],
  authtoken_token: ['key', 'user_id', 'created'],
  auth_group: ['id', 'name'],
  auth_permission: ['id', 'name', 'content_type_id', 'codename'],
  django_content_type: ['id', 'app_label', 'model'],
  auth_group_permissions: ['id', 'group_id', 'permission_id'],
} as const;

export type DjangoTable = keyof typeof DJANGO_COLUMNS;

/** The user model, and which optional Django apps' tables the source has. */
export interface DjangoTables {
  userModel: DjangoUserModel;
  tokenBlacklist: boolean;
  authtoken: boolean;
  /** `auth_group`, `auth_permission`, `django_content_type` and `auth_group_permissions`. */
  groupsAndPermissions: boolean;
}

/**
 * Checks that the source is a Django database whose tables have the columns the import reads,
 * and finds its user model (`options`); anything else is a one-line `DjangoImportError` naming
 * what is missing.
 */
export async function checkDjangoSchema(source: DjangoSource, options: UserModelOptions = {}): Promise<DjangoTables> {
  const userModel = await resolveUserModel(source, options);
  const present = async (table: DjangoTable): Promise<boolean> => {
    const columns = await source.columns(table);
    if (columns) requireColumns(source, table, columns);
    return columns !== null;
  };
  const outstanding = await present('token_blacklist_outstandingtoken');
  const blacklisted = await present('token_blacklist_blacklistedtoken');
  const authtoken = await present('authtoken_token');
  let groupsAndPermissions = true;
  for (const table of ['auth_group', 'auth_permission', 'django_content_type', 'auth_group_permissions'] as const) {
    if (!(await present(table))) groupsAndPermissions = false;
  }
  return { userModel, tokenBlacklist: outstanding && blacklisted, authtoken, groupsAndPermissions };
}

function requireColumns(source: DjangoSource, table: DjangoTable, present: Set<string>): void {
  const missing = DJANGO_COLUMNS[table].filter((column) => !present.has(column));
  if (missing.length) {
    throw new DjangoImportError(
      `${source.description} is not a Django database tessera can read: its ${table} table has no ${missing.join(', ')} column${missing.length === 1 ? '' : 's'}`,
    );
  }
}

/** Rows of `query` page by page, in `keyColumn` order (keyset paging: no OFFSET, no held cursor). */
export async function* pagesOf<Row extends Record<string, unknown>>(
  source: DjangoSource,
  query: string,
  keyColumn: string,
  keyOf: (row: Row) => number | string,
  first: number | string,
  pageSize = 1000,
): AsyncGenerator<Row[]> {
  let after = first;
  for (;;) {
    const page = await source.rows<Row>(`${query} WHERE ${keyColumn} > ? ORDER BY ${keyColumn} LIMIT ${pageSize}`, [after]);
    if (page.length === 0) return;
    yield page;
    if (page.length < pageSize) return;
    after = keyOf(page[page.length - 1]!);
  }
}

/** Number of rows in a table. */
export async function countRows(source: DjangoSource, table: string): Promise<number> {
  const [row] = await source.rows<{ n: number | string }>(`SELECT count(*) AS n FROM "${table.replace(/"/g, '""')}"`);
  return Number(row?.n ?? 0);
}
