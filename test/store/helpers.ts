import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { createTestDatabase } from '../support/database.js';

/**
 * A migrated store on a database of its own (a SQLite file in a temporary folder, or a fresh
 * PostgreSQL database when `TESSERA_TEST_DATABASE=postgres`); `dispose` closes and removes it.
 * `migrated: false` leaves it empty.
 */
export async function temporaryStore(options: { migrated?: boolean } = {}): Promise<{ store: Store; url: string; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-store-'));
  const database = await createTestDatabase(dir);
  const store = openStore(database.url);
  if (options.migrated !== false) await store.migrate();
  return {
    store,
    url: database.url,
    dispose: async () => {
      await store.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
