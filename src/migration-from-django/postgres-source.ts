import pg from 'pg';
import { DjangoImportError } from './errors.js';
import type { DjangoSource } from './source.js';

const TIMESTAMPTZ_OID = 1184;
const TIMESTAMP_OID = 1114;
const DATE_OID = 1082;

/**
 * Connects to a Django PostgreSQL database. Timestamps arrive as text (converted by
 * `djangoDateToIso`), so no value passes through the local time zone.
 */
export async function openPostgresSource(url: string, display: string): Promise<DjangoSource> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        // A date too: pg would make it midnight in this machine's time zone.
        oid === TIMESTAMPTZ_OID || oid === TIMESTAMP_OID || oid === DATE_OID
          ? (value: string) => value
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // A dropped connection emits 'error' on the client; without a listener it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query("SET TIME ZONE 'UTC'");
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DjangoImportError(`cannot connect to PostgreSQL at ${display}: ${reason(error)}`);
  }
  const run = async <Row>(query: string, params: readonly unknown[] = []): Promise<Row[]> => {
    let n = 0;
    const text = query.replace(/\?/g, () => `$${++n}`);
    try {
      return (await client.query(text, [...params])).rows as Row[];
    } catch (error) {
      throw new DjangoImportError(`reading ${display}: ${reason(error)}`);
    }
  };
  return {
    description: `Django's PostgreSQL database ${display}`,
    columns: async (table) => {
      const rows = await run<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?',
        [table],
      );
      return rows.length ? new Set(rows.map((r) => r.column_name)) : null;
    },
    tables: async () => (await run<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
    )).map((t) => t.table_name),
    columnTypes: async (table) => {
      const rows = await run<{ column_name: string; data_type: string }>(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?',
        [table],
      );
      return rows.length ? new Map(rows.map((r) => [r.column_name, r.data_type.toLowerCase()])) : null;
    },
    rows: run,
    lastIssuedId: async (table) => {
      const [found] = await run<{ name: string | null }>("SELECT pg_get_serial_sequence(?, 'id') AS name", [table]);
      if (!found?.name) return 0;
      // The name comes back quoted where it needs to be, so it is safe to splice in.
      const [state] = await run<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM ${found.name}`);
      if (!state) return 0;
      return state.is_called ? Number(state.last_value) : Number(state.last_value) - 1;
    },
    close: () => client.end(),
  };
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'ECONNREFUSED') return 'connection refused (is PostgreSQL running and listening there?)';
  if (message === '' && error instanceof AggregateError) return error.errors.map(reason).join('; ');
  return message.split('\n')[0] || String(code ?? 'unknown error');
}
