import type { Kysely } from 'kysely';
import type { UserFields, UserFieldValue } from '../store/index.js';
import { djangoDateToIso } from './dates.js';
import { countRows, pagesOf } from './django-schema.js';
import { emptyReport, type ImportProgress, type TableReport } from './report.js';
import type { DjangoSource } from './source.js';
import type { TargetSchema } from './target.js';
import { quoted, type DjangoUserModel } from './user-model.js';
import { flag } from './users.js';

/**
 * Keeps a custom user model's own columns (`department`, `phone`, a date) as each user's fields in
 * `tessera_user_fields`: one JSON object per user, replaced when Django's differs.
 */
export async function copyUserFields(
  source: DjangoSource,
  db: Kysely<TargetSchema>,
  model: DjangoUserModel,
  write: boolean,
  progress: (p: ImportProgress) => void,
): Promise<TableReport> {
  const table = 'tessera_user_fields';
  const total = await countRows(source, model.table);
  const report = emptyReport(table, total);
  let done = 0;
  progress({ table, done, total });
  const columns = ['id', ...model.extraColumns].map(quoted).join(', ');
  for await (const page of pagesOf<Record<string, unknown>>(source, `SELECT ${columns} FROM ${quoted(model.table)}`, 'id', (r) => Number(r.id), 0)) {
    const ids = page.map((r) => Number(r.id));
    const existing = new Map((await db.selectFrom(table).selectAll().where('user_id', 'in', ids).execute()).map((r) => [r.user_id, r.fields]));
    for (const row of page) {
      const userId = Number(row.id);
      const fields: UserFields = {};
      for (const column of model.extraColumns) fields[column] = fieldValue(row[column], model.columns.get(column) ?? '', `${model.table} id ${userId}, ${column}`);
      const text = JSON.stringify(fields);
      const current = existing.get(userId);
      if (current === text) {
        report.unchanged++;
      } else if (current === undefined) {
        report.inserted++;
        if (write) await db.insertInto(table).values({ user_id: userId, fields: text }).execute();
      } else {
        report.updated++;
        if (write) await db.updateTable(table).set({ fields: text }).where('user_id', '=', userId).execute();
      }
    }
    done += page.length;
    progress({ table, done, total });
  }
  return report;
}

/**
 * A column's value as JSON, by its declared type: booleans as booleans (SQLite's 0/1 too), date
 * and times as tessera's ISO-8601 UTC text, decimals as text (DRF's `COERCE_DECIMAL_TO_STRING`),
 * bytes as base64; dates, text and numbers as they are.
 */
export function fieldValue(value: unknown, type: string, where: string): UserFieldValue {
  if (value === null || value === undefined) return null;
  if (/bool/.test(type)) return flag(value) === 1;
  if (/datetime|timestamp/.test(type)) return djangoDateToIso(value, where);
  if (/decimal|numeric/.test(type)) return String(value);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  // PostgreSQL's bigint arrives as text: an integer column's value is a number when it fits.
  if (typeof value === 'string' && /int|serial/.test(type) && /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  // PostgreSQL's json and jsonb arrive parsed.
  return JSON.parse(JSON.stringify(value)) as UserFieldValue;
}
