/** What happened (or, on a dry run, would happen) to one of tessera's tables. */
export interface TableReport {
  table: string;
  /** Rows read from Django. */
  inDjango: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Why the table was not imported at all, or null. */
  skipped: string | null;
  /** Clashes, renames and replaced keys, one line each. */
  notes: string[];
}

/** The outcome of `importFromDjango`. */
export interface DjangoImportReport {
  source: string;
  dryRun: boolean;
  tables: TableReport[];
  /** Users whose username is taken in tessera by another id: the import refuses to run with any. */
  conflicts: string[];
  /** The id the next user created in tessera gets (null until users were imported). */
  nextUserId: number | null;
}

/** Progress of one table, for a progress bar. */
export interface ImportProgress {
  table: string;
  done: number;
  total: number;
}

export function emptyReport(table: string, inDjango: number): TableReport {
  return { table, inDjango, inserted: 0, updated: 0, unchanged: 0, skipped: null, notes: [] };
}
