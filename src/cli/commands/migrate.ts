import { cliSettings } from '../context.js';
import { databaseOptions, openStore } from '../../store/index.js';
import { SERVER_MIGRATIONS } from '../../server/index.js';

/** `tessera migrate`: applies pending migrations and names them. */
export async function migrateCommand(): Promise<void> {
  const settings = cliSettings();
  const store = openStore(settings.databaseUrl, databaseOptions(settings));
  try {
    const applied = await store.migrate(SERVER_MIGRATIONS);
    process.stdout.write(applied.length ? applied.map((m) => `Applied ${m}\n`).join('') : 'No migrations to apply.\n');
  } finally {
    await store.close();
  }
}
