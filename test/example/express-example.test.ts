import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { cleanUp, freshFolder, runCli, startServe, TSX, type Program } from '../support/cli-process.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { TEST_SIGNING_KEY } from '../support/server.js';

const EXAMPLE_DIR = fileURLToPath(new URL('../../examples/express/', import.meta.url));
const EXAMPLE: Program = { nodeArgs: ['--import', TSX, join(EXAMPLE_DIR, 'server.ts')], script: join(EXAMPLE_DIR, 'server.ts') };

describe('examples/express (npm run example:express)', () => {
  const databases: TestDatabase[] = [];
  after(async () => {
    cleanUp();
    await Promise.all(databases.map((database) => database.drop()));
  });

  test('is built only on the public API: the package root, tessera/express and the shared seed API', () => {
    for (const file of readdirSync(EXAMPLE_DIR).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(join(EXAMPLE_DIR, file), 'utf8');
      for (const [, path] of source.matchAll(/from '([^']+)'/g)) {
        if (!path!.startsWith('.')) continue;
        const allowed = ['../../src/index.js', '../../src/express/index.js', '../seed-api/index.js'];
        assert.ok(allowed.includes(path!) || /^\.\/[a-z-]+\.js$/.test(path!), `${file} imports ${path}`);
      }
    }
  });

  test('reads the TESSERA_* variables, migrates at start, shares its database with the CLI, answers the seeds', async () => {
    const dir = freshFolder();
    const database = await createTestDatabase(dir);
    databases.push(database);
    const env = { TESSERA_SIGNING_KEY: TEST_SIGNING_KEY, TESSERA_DATABASE_URL: database.url, TESSERA_ROTATE_REFRESH_TOKENS: 'true' };
    const served = await startServe(dir, [], env, EXAMPLE);
    // The CLI works on the database the app migrated (tessera's migrations and the example's, each under its own name).
    const created = await runCli(dir, ['createsuperuser', '--username', 'shoumitro', '--email', 's@example.com', '--no-input'], {
      ...env, TESSERA_SUPERUSER_PASSWORD: 'Ab12345678',
    });
    assert.equal(created.code, 0, created.stderr);

    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${served.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
    const login = await post('/gettoken/', { username: 'shoumitro', password: 'Ab12345678' });
    assert.equal(login.status, 200);
    const pair = await login.json() as { access: string; refresh: string };
    const auth = { authorization: `Bearer ${pair.access}` };
    // TESSERA_ROTATE_REFRESH_TOKENS: the refresh answers a new refresh token.
    const refreshed = await (await post('/refreshtoken/', { refresh: pair.refresh })).json() as Record<string, string>;
    assert.deepEqual(Object.keys(refreshed).sort(), ['access', 'refresh']);
    const user = await fetch(`${served.url}/api/user/`, { headers: auth });
    assert.deepEqual(await user.json(), { id: 1, username: 'shoumitro' });
    const student = await post('/studentapi/', { name: 'Sonam', roll: 101, city: 'Ranchi' }, auth);
    assert.equal(student.status, 201);
    assert.deepEqual(await student.json(), { id: 1, name: 'Sonam', roll: 101, city: 'Ranchi' });
    const invalid = await post('/studentapi/', { name: 'x'.repeat(51), roll: 'ten' }, auth);
    assert.deepEqual(await invalid.json(), {
      name: ['Ensure this field has no more than 50 characters.'], roll: ['A valid integer is required.'], city: ['This field is required.'],
    });

    served.child.kill('SIGTERM');
    const exit = await served.exited;
    assert.equal(exit.code, 0, served.stderr());
  });
});
