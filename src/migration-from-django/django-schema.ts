import { DjangoImportError } from './errors.js';
import type { DjangoSource } from './source.js';

/** The columns read from each Django table; Django 3.2 to 5 and Simple JWT 4 to 5 all have them. */
export const DJANGO_COLUMNS = {
  auth_user: ['id', 'password', 'last_login', 'is_superuser', 'username', 'first_name', 'last_name', 'email', 'is_staff', 'is_active', 'date_joined'],
  token_blacklist_outstandingtoken: ['id', 'jti', 'token', 'user_id', 'created_at', 'expires_at'],
  token_blacklist_blacklistedtoken: ['id', 'token_id', 'blacklisted_at'],
  authtoken_token: ['key', 'user_id', 'created'],
} as const;

export type DjangoTable = keyof typeof DJANGO_COLUMNS;

/** Which optional Django apps' tables the source has (auth_user is required). */
export interface DjangoTables {
  tokenBlacklist: boolean;
  authtoken: boolean;
}

/**
 * Checks that the source is a Django database whose tables have the columns the import reads;
 * anything else is a one-line `DjangoImportError` naming what is missing.
 */
export async function checkDjangoSchema(source: DjangoSource): Promise<DjangoTables> {
  const users = await source.columns('auth_user');
  if (!users) {
    throw new DjangoImportError(
      `${source.description} is not a Django database with django.contrib.auth: it has no auth_user table (a custom AUTH_USER_MODEL is not supported)`,
    );
  }
  requireColumns(source, 'auth_user', users);
  const outstanding = await source.columns('token_blacklist_outstandingtoken');
  const blacklisted = await source.columns('token_blacklist_blacklistedtoken');
  if (outstanding) requireColumns(source, 'token_blacklist_outstandingtoken', outstanding);
  if (blacklisted) requireColumns(source, 'token_blacklist_blacklistedtoken', blacklisted);
  const authtoken = await source.columns('authtoken_token');
  if (authtoken) requireColumns(source, 'authtoken_token', authtoken);
  return { tokenBlacklist: outstanding !== null && blacklisted !== null, authtoken: authtoken !== null };
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
export async function countRows(source: DjangoSource, table: DjangoTable): Promise<number> {
  const [row] = await source.rows<{ n: number | string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n ?? 0);
}
