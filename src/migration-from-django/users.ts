import { sql, type Kysely, type Selectable } from 'kysely';
import { optionalDjangoDateToIso, djangoDateToIso } from './dates.js';
import { countRows, pagesOf } from './django-schema.js';
import { DjangoImportError } from './errors.js';
import { emptyReport, type ImportProgress, type TableReport } from './report.js';
import type { DjangoSource } from './source.js';
import { engineOf } from '../store/index.js';
import type { TargetSchema } from './target.js';
import { quoted, type DjangoUserModel, type TesseraUserColumn } from './user-model.js';

type UserRow = Selectable<TargetSchema['auth_user']>;

export interface UsersPlan {
  /** One line for each Django user whose id or username tessera gives to someone else. */
  conflicts: string[];
}

/**
 * Finds users tessera and Django disagree on: an id tessera gives another username, or a username
 * tessera gives another id. Upserting them would overwrite one of tessera's own users or break its
 * unique usernames, and the ids in JWTs would name someone else, so the import refuses to run.
 */
export async function planUsers(source: DjangoSource, target: Kysely<TargetSchema>, model: DjangoUserModel): Promise<UsersPlan> {
  const query = `SELECT id, ${quoted(model.usernameColumn)} AS username FROM ${quoted(model.table)} ORDER BY id`;
  const django = (await source.rows<{ id: number | string; username: string | null }>(query))
    .map((r) => ({ id: Number(r.id), username: String(r.username ?? '') }));
  const tessera = await target.selectFrom('auth_user').select(['id', 'username']).execute();
  const usernameById = new Map(tessera.map((r) => [r.id, r.username]));
  const idByUsername = new Map(tessera.map((r) => [r.username, r.id]));
  const conflicts: string[] = [];
  for (const { id, username } of django) {
    if (username === '') {
      conflicts.push(`id ${id} has no ${model.usernameColumn} in Django, and tessera's username cannot be empty`);
      continue;
    }
    const named = usernameById.get(id);
    const taken = idByUsername.get(username);
    if (named !== undefined && named !== username) {
      conflicts.push(`id ${id} is ${JSON.stringify(username)} in Django but ${JSON.stringify(named)} in tessera`);
    } else if (taken !== undefined && taken !== id) {
      conflicts.push(`username ${JSON.stringify(username)} is id ${id} in Django but id ${taken} in tessera`);
    }
  }
  return { conflicts };
}

/**
 * Upserts Django's users by id, hashes and dates as they are, then keeps the id sequence ahead.
 * A custom model's missing columns get Django's defaults when a user is new and are left as they
 * are on a user tessera has (so a re-run changes nothing).
 */
export async function copyUsers(
  source: DjangoSource,
  db: Kysely<TargetSchema>,
  model: DjangoUserModel,
  write: boolean,
  progress: (p: ImportProgress) => void,
  now: Date = new Date(),
): Promise<{ report: TableReport; nextUserId: number }> {
  const total = await countRows(source, model.table);
  const report = emptyReport('auth_user', total);
  if (model.custom) report.notes.push(describeModel(model));
  const compared: TesseraUserColumn[] = [...model.mapped, 'username'];
  let done = 0;
  let highest = 0;
  progress({ table: 'auth_user', done, total });
  for await (const page of pagesOf<Record<string, unknown>>(source, `SELECT * FROM ${quoted(model.table)}`, 'id', (r) => Number(r.id), 0)) {
    const rows = page.map((r) => toUserRow(r, model, now));
    const existing = new Map(
      (await db.selectFrom('auth_user').selectAll().where('id', 'in', rows.map((r) => r.id)).execute()).map((r) => [r.id, r]),
    );
    for (const row of rows) {
      highest = Math.max(highest, row.id);
      const current = existing.get(row.id);
      if (!current) {
        report.inserted++;
        if (write) await db.insertInto('auth_user').values(row).execute();
      } else if (compared.some((column) => current[column] !== row[column])) {
        report.updated++;
        if (write) {
          const columns = Object.fromEntries(compared.map((column) => [column, row[column]]));
          await db.updateTable('auth_user').set(columns).where('id', '=', row.id).execute();
        }
      } else {
        report.unchanged++;
      }
    }
    done += page.length;
    progress({ table: 'auth_user', done, total });
  }
  return { report, nextUserId: await keepSequenceAhead(db, Math.max(highest, await source.lastIssuedId(model.table)), write) };
}

/** The report's note on a custom model: where each of tessera's columns comes from. */
function describeModel(model: DjangoUserModel): string {
  const defaults = ['is_superuser', 'first_name', 'last_name', 'email', 'is_staff', 'is_active', 'date_joined', 'last_login']
    .filter((column) => !model.mapped.has(column as TesseraUserColumn));
  const origin = model.label.startsWith('table ') ? `users from ${model.table}` : `users from ${model.table} (${model.label})`;
  const parts = [origin, `username from ${model.usernameColumn}`];
  if (defaults.length) parts.push(`Django's defaults for ${defaults.join(', ')}`);
  parts.push(model.extraColumns.length ? `kept as user fields: ${model.extraColumns.join(', ')}` : 'no other columns');
  return parts.join('; ');
}

/**
 * SQLite hands out AUTOINCREMENT ids above `sqlite_sequence.seq`. Raising it to Django's own
 * sequence (not only the highest id left) means a new tessera user never gets the id of a user
 * deleted in Django, whose still-valid JWTs carry that id.
 */
async function keepSequenceAhead(db: Kysely<TargetSchema>, lastDjangoId: number, write: boolean): Promise<number> {
  if (engineOf(db) === 'postgres') return keepPostgresSequenceAhead(db, lastDjangoId, write);
  const { rows } = await sql<{ seq: number }>`SELECT seq FROM sqlite_sequence WHERE name = 'auth_user'`.execute(db);
  const current = Number(rows[0]?.seq ?? 0);
  const { rows: top } = await sql<{ id: number | null }>`SELECT max(id) AS id FROM auth_user`.execute(db);
  const issued = Math.max(current, Number(top[0]?.id ?? 0));
  if (write && lastDjangoId > issued) {
    // sqlite_sequence.seq has no type affinity: cast, or a JS number is stored as REAL.
    if (rows.length) await sql`UPDATE sqlite_sequence SET seq = CAST(${lastDjangoId} AS INTEGER) WHERE name = 'auth_user'`.execute(db);
    else await sql`INSERT INTO sqlite_sequence (name, seq) VALUES ('auth_user', CAST(${lastDjangoId} AS INTEGER))`.execute(db);
  }
  return Math.max(issued, lastDjangoId) + 1;
}

/**
 * PostgreSQL's `serial` sequence does not move when rows are inserted with explicit ids (SQLite's
 * AUTOINCREMENT does): raise it past both the ids now in the table and Django's own sequence.
 */
async function keepPostgresSequenceAhead(db: Kysely<TargetSchema>, lastDjangoId: number, write: boolean): Promise<number> {
  const { rows } = await sql<{ seq: string | number | null }>`
    SELECT pg_sequence_last_value(pg_get_serial_sequence('auth_user', 'id')::regclass) AS seq`.execute(db);
  const current = Number(rows[0]?.seq ?? 0);
  const { rows: top } = await sql<{ id: number | null }>`SELECT max(id) AS id FROM auth_user`.execute(db);
  const last = Math.max(current, Number(top[0]?.id ?? 0), lastDjangoId);
  if (write && last > current) await sql`SELECT setval(pg_get_serial_sequence('auth_user', 'id'), ${last})`.execute(db);
  return last + 1;
}

function toUserRow(row: Record<string, unknown>, model: DjangoUserModel, now: Date): UserRow {
  const id = Number(row.id);
  const where = `${model.table} id ${String(row.id)}`;
  if (!Number.isSafeInteger(id)) throw new DjangoImportError(`${model.table}: ${JSON.stringify(row.id)} is not an integer id`);
  const has = (column: TesseraUserColumn) => model.mapped.has(column);
  return {
    id,
    password: String(row.password),
    last_login: has('last_login') ? optionalDjangoDateToIso(row.last_login, `${where}, last_login`) : null,
    // Without PermissionsMixin or AbstractUser: Django's defaults (is_active is AbstractBaseUser's True).
    is_superuser: has('is_superuser') ? flag(row.is_superuser) : 0,
    username: String(row[model.usernameColumn] ?? ''),
    first_name: String(row.first_name ?? ''),
    last_name: String(row.last_name ?? ''),
    email: String(row.email ?? ''),
    is_staff: has('is_staff') ? flag(row.is_staff) : 0,
    is_active: has('is_active') ? flag(row.is_active) : 1,
    date_joined: has('date_joined') ? djangoDateToIso(row.date_joined, `${where}, date_joined`) : now.toISOString(),
  };
}

/** Django's booleans: 0/1 in SQLite, true/false in PostgreSQL; tessera's are 0/1. */
export function flag(value: unknown): number {
  return value === true || value === 1 || value === '1' || value === 't' ? 1 : 0;
}
