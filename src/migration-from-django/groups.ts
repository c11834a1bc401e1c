import type { Kysely } from 'kysely';
import { emptyReport, type ImportProgress, type TableReport } from './report.js';
import type { DjangoSource } from './source.js';
import type { TargetSchema } from './target.js';
import { quoted, type UserLinkTable } from './user-model.js';

/**
 * Django's groups and permissions, matched to tessera's by their natural keys (a group's name, a
 * permission's `app_label.codename`), never by id: tessera's ids are its own, so permissions and
 * groups it made itself never clash with Django's.
 */

type Progress = (p: ImportProgress) => void;

/** Upserts `auth_permission` by `app_label.codename` (through `django_content_type`); a changed name is updated. */
export async function copyPermissions(source: DjangoSource, db: Kysely<TargetSchema>, write: boolean, progress: Progress): Promise<TableReport> {
  const table = 'auth_permission';
  const rows = await source.rows<{ name: string; codename: string; app_label: string }>(
    `SELECT p.name AS name, p.codename AS codename, ct.app_label AS app_label
       FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id ORDER BY p.id`,
  );
  const report = emptyReport(table, rows.length);
  progress({ table, done: 0, total: rows.length });
  const current = new Map((await db.selectFrom(table).selectAll().execute()).map((r) => [`${r.app_label}.${r.codename}`, r]));
  for (const row of rows) {
    const existing = current.get(`${row.app_label}.${row.codename}`);
    if (existing && existing.name === row.name) {
      report.unchanged++;
    } else if (existing) {
      report.updated++;
      if (write) await db.updateTable(table).set({ name: row.name }).where('id', '=', existing.id).execute();
    } else {
      report.inserted++;
      if (write) await db.insertInto(table).values({ name: row.name, app_label: row.app_label, codename: row.codename }).execute();
    }
  }
  progress({ table, done: rows.length, total: rows.length });
  return report;
}

/** Inserts Django's groups tessera lacks, by name. */
export async function copyGroups(source: DjangoSource, db: Kysely<TargetSchema>, write: boolean, progress: Progress): Promise<TableReport> {
  const table = 'auth_group';
  const rows = await source.rows<{ name: string }>('SELECT name FROM auth_group ORDER BY id');
  const report = emptyReport(table, rows.length);
  progress({ table, done: 0, total: rows.length });
  const current = new Set((await db.selectFrom(table).select('name').execute()).map((r) => r.name));
  for (const { name } of rows) {
    if (current.has(name)) {
      report.unchanged++;
      continue;
    }
    report.inserted++;
    if (write) await db.insertInto(table).values({ name }).execute();
  }
  progress({ table, done: rows.length, total: rows.length });
  return report;
}

/** A link of a many-to-many table by natural keys: the owner (group name or user id) and the other side. */
interface Link {
  owner: string | number;
  other: string;
}

const keyOf = (link: Link) => `${typeof link.owner}:${String(link.owner)}\n${link.other}`;

/**
 * Makes tessera's links of Django's owners (its groups, its users) exactly Django's: the missing
 * are added, and those Django no longer has are removed (Django is the source while you migrate);
 * owners Django does not have keep theirs.
 */
async function syncLinks(
  table: string, desired: Link[], current: (Link & { id: number })[], write: boolean, progress: Progress,
  insert: (links: Link[]) => Promise<void>, remove: (ids: number[]) => Promise<void>,
): Promise<TableReport> {
  const report = emptyReport(table, desired.length);
  progress({ table, done: 0, total: desired.length });
  const held = new Set(current.map(keyOf));
  const wanted = new Set(desired.map(keyOf));
  const missing = desired.filter((link) => !held.has(keyOf(link)));
  const stale = current.filter((link) => !wanted.has(keyOf(link)));
  report.inserted = missing.length;
  report.unchanged = desired.length - missing.length;
  if (stale.length) {
    report.notes.push(`${stale.length} ${table} row${stale.length === 1 ? '' : 's'} tessera has and Django no longer has ${write ? (stale.length === 1 ? 'was' : 'were') : 'would be'} removed`);
  }
  if (write) {
    for (let i = 0; i < missing.length; i += 500) await insert(missing.slice(i, i + 500));
    for (let i = 0; i < stale.length; i += 500) await remove(stale.slice(i, i + 500).map((l) => l.id));
  }
  progress({ table, done: desired.length, total: desired.length });
  return report;
}

/** tessera's ids of groups and permissions by natural key (read after their own steps committed). */
async function idsOf(db: Kysely<TargetSchema>): Promise<{ groups: Map<string, number>; permissions: Map<string, number> }> {
  const groups = new Map((await db.selectFrom('auth_group').select(['id', 'name']).execute()).map((r) => [r.name, r.id]));
  const permissions = new Map(
    (await db.selectFrom('auth_permission').select(['id', 'app_label', 'codename']).execute()).map((r) => [`${r.app_label}.${r.codename}`, r.id]),
  );
  return { groups, permissions };
}

/** `auth_group_permissions`: each of Django's groups gets exactly Django's permissions. */
export async function copyGroupPermissions(source: DjangoSource, db: Kysely<TargetSchema>, write: boolean, progress: Progress): Promise<TableReport> {
  const desired = (await source.rows<{ owner: string; other: string }>(
    `SELECT g.name AS owner, ct.app_label || '.' || p.codename AS other
       FROM auth_group_permissions gp JOIN auth_group g ON g.id = gp.group_id
       JOIN auth_permission p ON p.id = gp.permission_id JOIN django_content_type ct ON ct.id = p.content_type_id`,
  ));
  const djangoGroups = (await source.rows<{ name: string }>('SELECT name FROM auth_group')).map((r) => r.name);
  const current = djangoGroups.length === 0 ? [] : await db.selectFrom('auth_group_permissions as gp')
    .innerJoin('auth_group as g', 'g.id', 'gp.group_id')
    .innerJoin('auth_permission as p', 'p.id', 'gp.permission_id')
    .select(['gp.id as id', 'g.name as owner', 'p.app_label as appLabel', 'p.codename as codename'])
    .where('g.name', 'in', djangoGroups)
    .execute();
  const ids = write ? await idsOf(db) : null;
  return syncLinks(
    'auth_group_permissions', desired, current.map((r) => ({ id: r.id, owner: r.owner, other: `${r.appLabel}.${r.codename}` })), write, progress,
    async (links) => {
      const values = links.map((l) => ({ group_id: ids!.groups.get(String(l.owner))!, permission_id: ids!.permissions.get(l.other)! }));
      await db.insertInto('auth_group_permissions').values(values).execute();
    },
    async (rowIds) => void (await db.deleteFrom('auth_group_permissions').where('id', 'in', rowIds).execute()),
  );
}

/** The ids of Django's users, in tessera's number form. */
async function djangoUserIds(source: DjangoSource, userTable: string): Promise<number[]> {
  return (await source.rows<{ id: number | string }>(`SELECT id FROM ${quoted(userTable)}`)).map((r) => Number(r.id));
}

/** `auth_user_groups`: each of Django's users is in exactly Django's groups (`accounts_user_groups` for a custom model). */
export async function copyUserGroups(
  source: DjangoSource, db: Kysely<TargetSchema>, link: UserLinkTable, userTable: string, write: boolean, progress: Progress,
): Promise<TableReport> {
  const desired = (await source.rows<{ owner: number | string; other: string }>(
    `SELECT ug.${quoted(link.userColumn)} AS owner, g.name AS other FROM ${quoted(link.table)} ug JOIN auth_group g ON g.id = ug.group_id`,
  )).map((r) => ({ owner: Number(r.owner), other: r.other }));
  const users = await djangoUserIds(source, userTable);
  const current: (Link & { id: number })[] = [];
  for (let i = 0; i < users.length; i += 500) {
    const rows = await db.selectFrom('auth_user_groups as ug').innerJoin('auth_group as g', 'g.id', 'ug.group_id')
      .select(['ug.id as id', 'ug.user_id as owner', 'g.name as other']).where('ug.user_id', 'in', users.slice(i, i + 500)).execute();
    current.push(...rows.map((r) => ({ id: r.id, owner: Number(r.owner), other: r.other })));
  }
  const ids = write ? await idsOf(db) : null;
  return syncLinks(
    'auth_user_groups', desired, current, write, progress,
    async (links) => {
      await db.insertInto('auth_user_groups').values(links.map((l) => ({ user_id: Number(l.owner), group_id: ids!.groups.get(l.other)! }))).execute();
    },
    async (rowIds) => void (await db.deleteFrom('auth_user_groups').where('id', 'in', rowIds).execute()),
  );
}

/** `auth_user_user_permissions`: each of Django's users has exactly Django's own permissions. */
export async function copyUserPermissions(
  source: DjangoSource, db: Kysely<TargetSchema>, link: UserLinkTable, userTable: string, write: boolean, progress: Progress,
): Promise<TableReport> {
  const desired = (await source.rows<{ owner: number | string; other: string }>(
    `SELECT up.${quoted(link.userColumn)} AS owner, ct.app_label || '.' || p.codename AS other
       FROM ${quoted(link.table)} up JOIN auth_permission p ON p.id = up.permission_id
       JOIN django_content_type ct ON ct.id = p.content_type_id`,
  )).map((r) => ({ owner: Number(r.owner), other: r.other }));
  const users = await djangoUserIds(source, userTable);
  const current: (Link & { id: number })[] = [];
  for (let i = 0; i < users.length; i += 500) {
    const rows = await db.selectFrom('auth_user_user_permissions as up').innerJoin('auth_permission as p', 'p.id', 'up.permission_id')
      .select(['up.id as id', 'up.user_id as owner', 'p.app_label as appLabel', 'p.codename as codename'])
      .where('up.user_id', 'in', users.slice(i, i + 500)).execute();
    current.push(...rows.map((r) => ({ id: r.id, owner: Number(r.owner), other: `${r.appLabel}.${r.codename}` })));
  }
  const ids = write ? await idsOf(db) : null;
  return syncLinks(
    'auth_user_user_permissions', desired, current, write, progress,
    async (links) => {
      await db.insertInto('auth_user_user_permissions')
        .values(links.map((l) => ({ user_id: Number(l.owner), permission_id: ids!.permissions.get(l.other)! }))).execute();
    },
    async (rowIds) => void (await db.deleteFrom('auth_user_user_permissions').where('id', 'in', rowIds).execute()),
  );
}
