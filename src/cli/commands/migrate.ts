import { parseCommandArgs } from '../args.js';
import { cliSettings } from '../context.js';
import { requireUniqueLoginEmails } from '../../core/index.js';
import { databaseOptions, openStore } from '../../store/index.js';

/** `tessera migrate`: applies tessera's pending migrations and names them (`serve` adds the example API's). */
export async function migrateCommand(args: string[]): Promise<void> {
  parseCommandArgs('migrate', args, {});
  const settings = cliSettings();
  const store = openStore(settings.databaseUrl, databaseOptions(settings));
  try {
    const applied = await store.migrate();
    process.stdout.write(applied.length ? applied.map((m) => `Applied ${m}\n`).join('') : 'No migrations to apply.\n');
    // Migrated either way; then, as at start, `loginField: 'email'` over shared emails is refused.
    await requireUniqueLoginEmails(settings, store.users);
  } finally {
    await store.close();
  }
}
