import type { Settings } from '../../src/index.js';
import { testTessera, type TestTessera } from '../../src/testing/index.js';
import { createPostgresDatabase, TEST_ENGINE } from '../support/database.js';

/**
 * `testTessera(settings)` on the run's engine: its in-memory SQLite, or on the PostgreSQL run a
 * database of its own named in the settings (dropped at `close`).
 */
export async function openKit(settings: Partial<Settings> = {}): Promise<TestTessera> {
  if (TEST_ENGINE === 'sqlite') return testTessera(settings);
  const database = await createPostgresDatabase();
  try {
    const kit = await testTessera({ ...settings, databaseUrl: database.url });
    return {
      ...kit,
      close: async () => {
        await kit.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
