/** A Django database opened for reading: what the importer asks of SQLite and PostgreSQL alike. */
export interface DjangoSource {
  /** "Django's SQLite database /path" or "Django's PostgreSQL database postgres://host/name". */
  readonly description: string;
  /** The table's column names, or null when there is no such table. */
  columns(table: string): Promise<Set<string> | null>;
  /** The table's columns and their declared types, lower-case (`bool`, `datetime`, `timestamp with time zone`), or null. */
  columnTypes(table: string): Promise<Map<string, string> | null>;
  /** Names of the tables in the database (its current schema on PostgreSQL). */
  tables(): Promise<string[]>;
  /** Runs a query written with `?` placeholders; rows as plain objects. */
  rows<Row>(query: string, params?: readonly unknown[]): Promise<Row[]>;
  /** The highest id the table's sequence has handed out (0 when none). */
  lastIssuedId(table: string): Promise<number>;
  close(): Promise<void>;
}
