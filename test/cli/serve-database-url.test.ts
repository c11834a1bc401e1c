// `serve` prints the database it uses; a PostgreSQL URL may carry the password (compose.yaml's
// does), and process output ends up in container logs: it is printed as `user:***@`.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cleanUp, freshFolder, startServe } from '../support/cli-process.js';
import { createPostgresDatabase } from '../support/database.js';

const PASSWORD = 'never-printed-db-password';

after(cleanUp);

for (const workers of [[], ['--workers', '2']]) {
  test(`serve ${workers.join(' ') || '(one process)'} prints the database URL without its password`, async (t) => {
    const database = await createPostgresDatabase().catch((error: Error) => error);
    if (database instanceof Error) return t.skip(`PostgreSQL cannot be reached: ${database.message}`);
    try {
      // The test server trusts local connections: the password is accepted whatever it is.
      const url = new URL(database.url);
      url.password = PASSWORD;
      const server = await startServe(freshFolder(), workers, {
        TESSERA_DATABASE_URL: url.toString(),
        TESSERA_SIGNING_KEY: 'serve-database-url-test-signing-key-0123456789',
      });
      assert.match(server.stdout(), new RegExp(`\\(database postgres://${url.username}:\\*\\*\\*@${url.host}/`));
      assert.ok(!server.stdout().includes(PASSWORD) && !server.stderr().includes(PASSWORD), server.stdout());
      server.child.kill('SIGTERM');
      await server.exited;
    } finally {
      await database.drop();
    }
  });
}
