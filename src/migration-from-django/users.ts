import { sql, type Kysely, type Selectable } from 'kysely';
import { optionalDjangoDateToIso, djangoDateToIso } from './dates.js';
import { countRows, pagesOf } from './django-schema.js';
import { DjangoImportError } from './errors.js';
import { emptyReport, type ImportProgress, type TableReport } from './report.js';
import type { DjangoSource } from './source.js';
import { engineOf } from '../store/index.js';
import type { TargetSchema } from './target.js';

type UserRow = Selectable<TargetSchema['auth_user']>;

const COMPARED = ['password', 'last_login', 'is_superuser', 'username', 'first_name', 'last_name', 'email', 'is_staff', 'is_active', 'date_joined'] as const;

export interface UsersPlan {
  /** One line for each Django user whose id or username tessera gives to someone else. */
  conflicts: string[];
}

/**
 * Finds users tessera and Django disagree on: an id tessera gives another username, or a username
 * tessera gives another id. Upserting them would overwrite one of tessera's own users or break its
 * unique usernames, and the ids in JWTs would name someone else, so the import refuses to run.
 */
export async function planUsers(source: DjangoSource, target: Kysely<TargetSchema>): Promise<UsersPlan> {
  const django = (await source.rows<{ id: number | string; username: string }>('SELECT id, username FROM auth_user ORDER BY id'))
    .map((r) => ({ id: Number(r.id), username: String(r.username) }));
  const tessera = await target.selectFrom('auth_user').select(['id', 'username']).execute();
  const usernameById = new Map(tessera.map((r) => [r.id, r.username]));
  const idByUsername = new Map(tessera.map((r) => [r.username, r.id]));
  const conflicts: string[] = [];
  for (const { id, username } of django) {
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

/** Upserts Django's users by id, hashes and dates as they are, then keeps the id sequence ahead. */
export async function copyUsers(
  source: DjangoSource,
  db: Kysely<TargetSchema>,
  write: boolean,
  progress: (p: ImportProgress) => void,
): Promise<{ report: TableReport; nextUserId: number }> {
  const total = await countRows(source, 'auth_user');
  const report = emptyReport('auth_user', total);
  let done = 0;
  let highest = 0;
  progress({ table: 'auth_user', done, total });
  for await (const page of pagesOf<Record<string, unknown>>(source, 'SELECT * FROM auth_user', 'id', (r) => Number(r.id), 0)) {
    const rows = page.map(toUserRow);
    const existing = new Map(
      (await db.selectFrom('auth_user').selectAll().where('id', 'in', rows.map((r) => r.id)).execute()).map((r) => [r.id, r]),
    );
    for (const row of rows) {
      highest = Math.max(highest, row.id);
      const current = existing.get(row.id);
      if (!current) {
        report.inserted++;
        if (write) await db.insertInto('auth_user').values(row).execute();
      } else if (COMPARED.some((column) => current[column] !== row[column])) {
        report.updated++;
        if (write) {
          const { id, ...columns } = row;
          await db.updateTable('auth_user').set(columns).where('id', '=', id).execute();
        }
      } else {
        report.unchanged++;
      }
    }
    done += page.length;
    progress({ table: 'auth_user', done, total });
  }
  return { report, nextUserId: await keepSequenceAhead(db, Math.max(highest, await source.lastIssuedId('auth_user')), write) };
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

function toUserRow(row: Record<string, unknown>): UserRow {
  const id = Number(row.id);
  const where = `auth_user id ${id}`;
  if (!Number.isSafeInteger(id)) throw new DjangoImportError(`auth_user: ${JSON.stringify(row.id)} is not an integer id`);
  return {
    id,
    password: String(row.password),
    last_login: optionalDjangoDateToIso(row.last_login, `${where}, last_login`),
    is_superuser: flag(row.is_superuser),
    username: String(row.username),
    first_name: String(row.first_name ?? ''),
    last_name: String(row.last_name ?? ''),
    email: String(row.email ?? ''),
    is_staff: flag(row.is_staff),
    is_active: flag(row.is_active),
    date_joined: djangoDateToIso(row.date_joined, `${where}, date_joined`),
  };
}

/** Django's booleans: 0/1 in SQLite, true/false in PostgreSQL; tessera's are 0/1. */
export function flag(value: unknown): number {
  return value === true || value === 1 || value === '1' || value === 't' ? 1 : 0;
}
