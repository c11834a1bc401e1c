import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTessera, loadSettings, type Settings, type Tessera } from '../../src/index.js';
import { createTestDatabase } from './database.js';
import { TEST_SIGNING_KEY, TestClock } from './server.js';

/** A migrated core on a database of its own (the run's engine), with the injected clock. */
export interface TestCore {
  tessera: Tessera;
  clock: TestClock;
  settings: Settings;
  /** Another process on the same database and clock: its own memory. Closed with the first. */
  another(): Tessera;
  close(): Promise<void>;
}

/** Opens a core as an application would, for use-case tests; `overrides` on top of the test key and database. */
export async function openTestCore(overrides: Partial<Settings> = {}, name = 'core'): Promise<TestCore> {
  const dir = mkdtempSync(join(tmpdir(), `tessera-${name}-`));
  const database = await createTestDatabase(dir);
  const clock = new TestClock();
  const settings = loadSettings({
    cwd: dir,
    overrides: { databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY, ...overrides },
  });
  const tessera = createTessera({ settings, clock: clock.read });
  const others: Tessera[] = [];
  await tessera.migrate();
  return {
    tessera, clock, settings,
    another: () => {
      const twin = createTessera({ settings, clock: clock.read });
      others.push(twin);
      return twin;
    },
    close: async () => {
      for (const twin of others) await twin.close();
      await tessera.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
