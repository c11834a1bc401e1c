import { createTessera, type Tessera, type TesseraLogger } from '../core/index.js';
import { loadSettings, type Settings } from '../settings/index.js';
import { databaseOptions, openStore, type MigrationSet, type Store } from '../store/index.js';

/** Settings from `tessera.config.json` and `TESSERA_*` in the current folder and environment. */
export function cliSettings(): Settings {
  return loadSettings({ env: process.env, cwd: process.cwd() });
}

/**
 * Runs `work` with a store migrated for tessera (and `sets`), closing it afterwards. Only
 * tessera's tables: the CLI works on any database an application migrated, and makes no
 * example tables there.
 */
export async function withStore<T>(settings: Settings, work: (store: Store) => Promise<T>, ...sets: MigrationSet[]): Promise<T> {
  const store = openStore(settings.databaseUrl, databaseOptions(settings));
  try {
    await store.migrate(...sets);
    return await work(store);
  } finally {
    await store.close();
  }
}

/** What the core reports while a command runs (Redis unreachable, an audit event not written): one line on stderr. */
const CLI_LOGGER: TesseraLogger = {
  info: () => undefined,
  warn: (message) => void process.stderr.write(`tessera: warning: ${message}\n`),
  error: (message, detail) => void process.stderr.write(`tessera: error: ${message}${detail?.reason ? `: ${String(detail.reason)}` : ''}\n`),
};

/**
 * Runs `work` with tessera itself (migrated for tessera, and `sets`), closed afterwards: what a
 * command changes goes through the same use cases as the server's, so a revocation reaches every
 * server at once through Redis, not at their next poll.
 */
export async function withTessera<T>(settings: Settings, work: (tessera: Tessera) => Promise<T>, ...sets: MigrationSet[]): Promise<T> {
  const tessera = createTessera({ settings, logger: CLI_LOGGER });
  try {
    await tessera.migrate(...sets);
    return await work(tessera);
  } finally {
    await tessera.close();
  }
}
