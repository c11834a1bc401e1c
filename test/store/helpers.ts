import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';

/** A migrated store on a fresh SQLite file in a temporary folder; `dispose` closes and removes it. */
export async function temporaryStore(): Promise<{ store: Store; path: string; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-store-'));
  const path = join(dir, 'test.sqlite3');
  const store = openStore(`sqlite:${path}`);
  await store.migrate();
  return {
    store,
    path,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
