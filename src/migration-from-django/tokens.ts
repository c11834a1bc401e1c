import type { Kysely } from 'kysely';
import { djangoDateToIso, optionalDjangoDateToIso } from './dates.js';
import { countRows, pagesOf } from './django-schema.js';
import { DjangoImportError } from './errors.js';
import { emptyReport, type ImportProgress, type TableReport } from './report.js';
import type { DjangoSource } from './source.js';
import type { TargetSchema } from './target.js';

interface OutstandingRow {
  jti: string;
  token: string;
  user_id: number | null;
  created_at: string | null;
  expires_at: string;
}

/**
 * Upserts Simple JWT's outstanding tokens by jti. Ids are tessera's own (its table may already
 * hold tokens it issued); blacklist rows are matched to them through the jti.
 */
export async function copyOutstandingTokens(
  source: DjangoSource,
  db: Kysely<TargetSchema>,
  write: boolean,
  progress: (p: ImportProgress) => void,
): Promise<TableReport> {
  const table = 'token_blacklist_outstandingtoken';
  const total = await countRows(source, table);
  const report = emptyReport(table, total);
  let done = 0;
  progress({ table, done, total });
  const query = `SELECT id, jti, token, user_id, created_at, expires_at FROM ${table}`;
  for await (const page of pagesOf<Record<string, unknown>>(source, query, 'id', (r) => Number(r.id), 0)) {
    const rows = page.map(toOutstandingRow);
    const existing = new Map(
      (await db.selectFrom(table).selectAll().where('jti', 'in', rows.map((r) => r.jti)).execute()).map((r) => [r.jti, r]),
    );
    for (const row of rows) {
      const current = existing.get(row.jti);
      if (!current) {
        report.inserted++;
        if (write) await db.insertInto(table).values(row).execute();
      } else if (current.token !== row.token || current.user_id !== row.user_id || current.created_at !== row.created_at || current.expires_at !== row.expires_at) {
        report.updated++;
        if (write) await db.updateTable(table).set(row).where('jti', '=', row.jti).execute();
      } else {
        report.unchanged++;
      }
    }
    done += page.length;
    progress({ table, done, total });
  }
  return report;
}

/**
 * Blacklists in tessera every token Django blacklisted. A token tessera already blacklisted stays
 * as it is (its time included): blacklisted is blacklisted.
 */
export async function copyBlacklistedTokens(
  source: DjangoSource,
  db: Kysely<TargetSchema>,
  write: boolean,
  progress: (p: ImportProgress) => void,
): Promise<TableReport> {
  const table = 'token_blacklist_blacklistedtoken';
  const total = await countRows(source, table);
  const report = emptyReport(table, total);
  let done = 0;
  progress({ table, done, total });
  const query = `SELECT b.id AS id, b.blacklisted_at AS blacklisted_at, o.jti AS jti
    FROM token_blacklist_blacklistedtoken b JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id`;
  for await (const page of pagesOf<{ id: number | string; blacklisted_at: unknown; jti: string }>(source, query, 'b.id', (r) => Number(r.id), 0)) {
    const found = new Map(
      (
        await db
          .selectFrom('token_blacklist_outstandingtoken as o')
          .leftJoin('token_blacklist_blacklistedtoken as b', 'b.token_id', 'o.id')
          .select(['o.id as tokenId', 'o.jti as jti', 'b.id as blacklistId'])
          .where('o.jti', 'in', page.map((r) => r.jti))
          .execute()
      ).map((r) => [r.jti, r]),
    );
    for (const row of page) {
      const blacklistedAt = djangoDateToIso(row.blacklisted_at, `${table} id ${row.id}, blacklisted_at`);
      const outstanding = found.get(row.jti);
      if (outstanding?.blacklistId != null) {
        report.unchanged++;
        continue;
      }
      report.inserted++;
      if (!write) continue;
      // The outstanding step ran first in its own committed transaction, so the token is there.
      if (!outstanding) throw new DjangoImportError(`${table}: outstanding token ${row.jti} was not imported`);
      await db.insertInto(table).values({ token_id: outstanding.tokenId, blacklisted_at: blacklistedAt }).execute();
    }
    done += page.length;
    progress({ table, done, total });
  }
  return report;
}

function toOutstandingRow(row: Record<string, unknown>): OutstandingRow {
  const where = `token_blacklist_outstandingtoken id ${String(row.id)}`;
  return {
    jti: String(row.jti),
    token: String(row.token),
    user_id: row.user_id === null || row.user_id === undefined ? null : Number(row.user_id),
    created_at: optionalDjangoDateToIso(row.created_at, `${where}, created_at`),
    expires_at: djangoDateToIso(row.expires_at, `${where}, expires_at`),
  };
}
