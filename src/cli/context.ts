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
