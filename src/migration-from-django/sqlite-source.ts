import SQLite from 'better-sqlite3';
import { DjangoImportError } from './errors.js';
import type { DjangoSource } from './source.js';

/** Opens a Django SQLite file read-only; a missing or non-SQLite file is a `DjangoImportError`. */
export function openSqliteSource(path: string): DjangoSource {
  let db: SQLite.Database;
  try {
    db = new SQLite(path, { readonly: true, fileMustExist: true });
    // Touches the file header: a file that is not SQLite fails here, not in the middle of the import.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    throw new DjangoImportError(`cannot read the SQLite database ${path}: ${sqliteReason(error)}`);
  }
  const description = `Django's SQLite database ${path}`;
  const run = <Row>(query: string, params: readonly unknown[] = []): Row[] => {
    try {
      return db.prepare(query).all(...params) as Row[];
    } catch (error) {
      throw new DjangoImportError(`reading ${path}: ${sqliteReason(error)}`);
    }
  };
  return {
    description,
    columns: async (table) => {
      const info = run<{ name: string }>(`PRAGMA table_info(${quote(table)})`);
      return info.length ? new Set(info.map((c) => c.name)) : null;
    },
    tables: async () => run<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((t) => t.name),
    columnTypes: async (table) => {
      const info = run<{ name: string; type: string }>(`PRAGMA table_info(${quote(table)})`);
      return info.length ? new Map(info.map((c) => [c.name, c.type.toLowerCase()])) : null;
    },
    rows: async (query, params) => run(query, params),
    lastIssuedId: async (table) => {
      const hasSequence = run<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_sequence'")[0]?.n;
      if (!hasSequence) return 0;
      return Number(run<{ seq: number }>('SELECT seq FROM sqlite_sequence WHERE name = ?', [table])[0]?.seq ?? 0);
    },
    close: async () => {
      db.close();
    },
  };
}

function sqliteReason(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'SQLITE_CANTOPEN') return 'no such file, or it cannot be opened';
  if (code === 'SQLITE_NOTADB') return 'the file is not an SQLite database';
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
