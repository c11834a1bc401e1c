import type { Kysely } from 'kysely';
import { djangoDateToIso } from './dates.js';
import { countRows, pagesOf } from './django-schema.js';
import { emptyReport, type ImportProgress, type TableReport } from './report.js';
import type { DjangoSource } from './source.js';
import type { TargetSchema } from './target.js';

/**
 * Upserts DRF's authtoken keys by key. DRF has one key per user, so a different key tessera holds
 * for the same user is replaced by Django's (and noted).
 */
export async function copyAuthTokens(
  source: DjangoSource,
  db: Kysely<TargetSchema>,
  write: boolean,
  progress: (p: ImportProgress) => void,
): Promise<TableReport> {
  const table = 'authtoken_token';
  const total = await countRows(source, table);
  const report = emptyReport(table, total);
  let done = 0;
  progress({ table, done, total });
  const query = 'SELECT key, user_id, created FROM authtoken_token';
  for await (const page of pagesOf<{ key: string; user_id: number | string; created: unknown }>(source, query, 'key', (r) => r.key, '')) {
    for (const { key, user_id, created } of page) {
      const row = { key, user_id: Number(user_id), created: djangoDateToIso(created, `${table} for user ${String(user_id)}, created`) };
      const current = await db.selectFrom(table).selectAll().where('key', '=', key).executeTakeFirst();
      if (current && current.user_id === row.user_id && current.created === row.created) {
        report.unchanged++;
        continue;
      }
      const other = await db.selectFrom(table).select('key').where('user_id', '=', row.user_id).where('key', '!=', key).executeTakeFirst();
      if (other) report.notes.push(`user id ${row.user_id}'s authtoken in tessera is replaced by Django's`);
      if (current) report.updated++;
      else report.inserted++;
      if (!write) continue;
      if (other) await db.deleteFrom(table).where('key', '=', other.key).execute();
      if (current) await db.updateTable(table).set({ user_id: row.user_id, created: row.created }).where('key', '=', key).execute();
      else await db.insertInto(table).values(row).execute();
    }
    done += page.length;
    progress({ table, done, total });
  }
  return report;
}
