import { loadSettings, type Settings } from '../settings/index.js';
import { SERVER_MIGRATIONS } from '../server/index.js';
import { databaseOptions, openStore, type Store } from '../store/index.js';

/** Settings from `tessera.config.json` and `TESSERA_*` in the current folder and environment. */
export function cliSettings(): Settings {
  return loadSettings({ env: process.env, cwd: process.cwd() });
}

/** Runs `work` with a migrated store, closing it afterwards. */
export async function withStore<T>(settings: Settings, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(settings.databaseUrl, databaseOptions(settings));
  try {
    await store.migrate(SERVER_MIGRATIONS);
    return await work(store);
  } finally {
    await store.close();
  }
}
