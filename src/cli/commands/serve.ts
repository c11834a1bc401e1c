import { buildServer } from '../../server/index.js';
import { cliSettings } from '../context.js';

/** `tessera serve`: migrates, listens, and says how to create the first user. */
export async function serve(): Promise<void> {
  const settings = cliSettings();
  const { app, store } = await buildServer({ settings });
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const address = await app.listen({ host: settings.host, port: settings.port });
  const url = address.replace('://[::1]', '://localhost');
  process.stdout.write(`tessera is serving ${url}/ (database ${settings.databaseUrl})\n`);
  if ((await store.users.count()) === 0) {
    process.stdout.write(
      'No users yet. Create the first one with:\n  npx tessera createsuperuser --username admin --email admin@example.com\n',
    );
  }
}
