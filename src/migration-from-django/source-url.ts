import { DjangoImportError } from './errors.js';

/** Where a Django database is, as `import-django` accepts it. */
export type DjangoSourceLocation =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string; /** The URL without its password, for messages. */ display: string };

const SQLITE_EXTENSIONS = /\.(sqlite3|sqlite|db)$/i;

/**
 * Reads `sqlite:PATH`, dj-database-url's `sqlite:///relative` and `sqlite:////absolute`, a bare
 * path ending .sqlite3/.sqlite/.db, and `postgres://` / `postgresql://` URLs.
 */
export function parseDjangoSourceUrl(url: string): DjangoSourceLocation {
  if (url.startsWith('sqlite:///')) return sqlite(url.slice('sqlite:///'.length), url);
  if (url.startsWith('sqlite:')) return sqlite(url.slice('sqlite:'.length), url);
  if (/^postgres(ql)?:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DjangoImportError(`${JSON.stringify(redact(url))} is not a valid PostgreSQL URL`);
    }
    if (parsed.pathname.replace(/^\//, '') === '') {
      throw new DjangoImportError(`${JSON.stringify(redact(url))} names no database (postgres://USER@HOST:PORT/NAME)`);
    }
    return { kind: 'postgres', url, display: redact(url) };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  if (scheme && scheme.length > 1) {
    throw new DjangoImportError(
      `unsupported database URL scheme "${scheme}:"; import-django reads sqlite:PATH and postgres:// URLs`,
    );
  }
  if (SQLITE_EXTENSIONS.test(url)) return { kind: 'sqlite', path: url };
  throw new DjangoImportError(
    `${JSON.stringify(url)} is not a database URL; give sqlite:PATH (or a path ending .sqlite3 or .db) or postgres://USER@HOST/NAME`,
  );
}

function sqlite(path: string, url: string): DjangoSourceLocation {
  if (path === '' || path === ':memory:') throw new DjangoImportError(`${JSON.stringify(url)} names no SQLite file`);
  return { kind: 'sqlite', path };
}

/** The URL with any password replaced, so messages never show it. */
export function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
