import type { Kysely } from 'kysely';
import { writeTransaction } from '../store/index.js';
import { copyAuthTokens } from './authtokens.js';
import { checkDjangoSchema } from './django-schema.js';
import { DjangoImportError } from './errors.js';
import { emptyReport, type DjangoImportReport, type ImportProgress, type TableReport } from './report.js';
import type { DjangoSource } from './source.js';
import { openPostgresSource } from './postgres-source.js';
import { parseDjangoSourceUrl } from './source-url.js';
import { openSqliteSource } from './sqlite-source.js';
import { targetTables, type TargetSchema } from './target.js';
import { copyBlacklistedTokens, copyOutstandingTokens } from './tokens.js';
import { copyUsers, planUsers } from './users.js';
import { copyUserFields } from './user-fields.js';
import { copyGroupPermissions, copyGroups, copyPermissions, copyUserGroups, copyUserPermissions } from './groups.js';
import type { UserModelOptions } from './user-model.js';

export interface ImportOptions extends UserModelOptions {
  /** Read and compare only; nothing is written. */
  dryRun?: boolean;
  onProgress?: (progress: ImportProgress) => void;
}

/** Opens the Django database a URL names (`sqlite:PATH`, a .sqlite3/.db path, `postgres://`). */
export async function openDjangoSource(url: string): Promise<DjangoSource> {
  const location = parseDjangoSourceUrl(url);
  return location.kind === 'sqlite' ? openSqliteSource(location.path) : openPostgresSource(location.url, location.display);
}

/**
 * Copies Django's users (of `auth.User` or a custom `AUTH_USER_MODEL`, whose own columns are kept
 * as user fields), groups and permissions, Simple JWT's outstanding and blacklisted tokens and
 * DRF's authtoken keys into tessera's database. Each table is one transaction; re-running updates
 * rows in place and never duplicates them. Users tessera knows under another id or username stop
 * the import before anything is written (a dry run lists them instead).
 */
export async function importFromDjango(source: DjangoSource, target: Kysely<TargetSchema>, options: ImportOptions = {}): Promise<DjangoImportReport> {
  const write = options.dryRun !== true;
  const progress = options.onProgress ?? (() => undefined);
  const djangoTables = await checkDjangoSchema(source, options);
  const model = djangoTables.userModel;
  const tesseraTables = await targetTables(target);
  const report: DjangoImportReport = { source: source.description, dryRun: !write, tables: [], conflicts: [], nextUserId: null };
  const step = <T>(work: (db: Kysely<TargetSchema>) => Promise<T>): Promise<T> =>
    write ? writeTransaction(target, work) : work(target);

  const users = await step(async (db) => {
    // Planned inside the transaction, so no user created meanwhile can slip between check and write.
    const { conflicts } = await planUsers(source, db, model);
    report.conflicts = conflicts;
    if (conflicts.length && write) throw clashError(conflicts);
    return copyUsers(source, db, model, write, progress);
  });
  report.tables.push(users.report);
  report.nextUserId = users.nextUserId;

  if (djangoTables.tokenBlacklist) {
    report.tables.push(await step((db) => copyOutstandingTokens(source, db, write, progress)));
    report.tables.push(await step((db) => copyBlacklistedTokens(source, db, write, progress)));
  } else {
    const why = "not in the Django database (rest_framework_simplejwt.token_blacklist is not installed there)";
    report.tables.push(skipped('token_blacklist_outstandingtoken', why), skipped('token_blacklist_blacklistedtoken', why));
  }

  if (!djangoTables.authtoken) {
    report.tables.push(skipped('authtoken_token', 'not in the Django database (rest_framework.authtoken is not installed there)'));
  } else if (!tesseraTables.has('authtoken_token')) {
    report.tables.push(skipped('authtoken_token', "tessera's database has no authtoken_token table (run tessera migrate with a tessera that has it)"));
  } else {
    report.tables.push(await step((db) => copyAuthTokens(source, db, write, progress)));
  }

  // Groups, permissions and a custom model's own columns come after the users they belong to.
  const hasPermissionTables = tesseraTables.has('auth_group') && tesseraTables.has('tessera_user_fields');
  const notMigrated = "tessera's database has no groups and permissions tables yet (run tessera migrate with a tessera that has them)";

  if (model.custom && model.extraColumns.length) {
    report.tables.push(hasPermissionTables ? await step((db) => copyUserFields(source, db, model, write, progress)) : skipped('tessera_user_fields', notMigrated));
  }

  const groupTables = ['auth_permission', 'auth_group', 'auth_group_permissions', 'auth_user_groups', 'auth_user_user_permissions'];
  if (!djangoTables.groupsAndPermissions) {
    for (const table of groupTables) report.tables.push(skipped(table, 'not in the Django database (django.contrib.auth\'s groups or django.contrib.contenttypes are not there)'));
  } else if (!hasPermissionTables) {
    for (const table of groupTables) report.tables.push(skipped(table, notMigrated));
  } else {
    report.tables.push(await step((db) => copyPermissions(source, db, write, progress)));
    report.tables.push(await step((db) => copyGroups(source, db, write, progress)));
    report.tables.push(await step((db) => copyGroupPermissions(source, db, write, progress)));
    const noMixin = `${model.table} has no PermissionsMixin tables (${model.table}_groups, ${model.table}_user_permissions)`;
    const { groups, permissions } = model;
    report.tables.push(groups ? await step((db) => copyUserGroups(source, db, groups, model.table, write, progress)) : skipped('auth_user_groups', noMixin));
    report.tables.push(permissions
      ? await step((db) => copyUserPermissions(source, db, permissions, model.table, write, progress))
      : skipped('auth_user_user_permissions', noMixin));
  }
  return report;
}

function clashError(conflicts: string[]): DjangoImportError {
  const shown = conflicts.slice(0, 3).join('; ');
  const more = conflicts.length > 3 ? `; and ${conflicts.length - 3} more` : '';
  const count = conflicts.length === 1 ? '1 Django user clashes' : `${conflicts.length} Django users clash`;
  return new DjangoImportError(`${count} with tessera's users: ${shown}${more}; nothing was imported (--dry-run lists them all)`);
}

function skipped(table: string, why: string): TableReport {
  return { ...emptyReport(table, 0), skipped: why };
}
