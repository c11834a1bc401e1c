import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { createPasswordHashers, createTessera, loadSettings } from '../../src/index.js';
import { cleanUp, eventually, freshFolder, startServe, TSX, type Program } from '../support/cli-process.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { TEST_SIGNING_KEY } from '../support/server.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const SERVER = join(EXAMPLES, 'hono', 'server.ts');
const EXAMPLE: Program = { nodeArgs: ['--import', TSX, SERVER], script: SERVER };

describe('examples/hono (npm run example:hono)', () => {
  const databases: TestDatabase[] = [];
  after(async () => {
    cleanUp();
    await Promise.all(databases.map((database) => database.drop()));
  });

  test('examples/hono and the shared examples/seed-api are built only on the public API: the package root and tessera/web', () => {
    const allowed = ['../../src/index.js', '../../src/web/index.js', '../seed-api/index.js'];
    for (const folder of ['hono', 'seed-api']) {
      for (const file of readdirSync(join(EXAMPLES, folder)).filter((name) => name.endsWith('.ts'))) {
        const source = readFileSync(join(EXAMPLES, folder, file), 'utf8');
        for (const [, path] of source.matchAll(/from '([^']+)'/g)) {
          if (!path!.startsWith('.')) continue;
          assert.ok(allowed.includes(path!) || /^\.\/[a-z-]+\.js$/.test(path!), `${folder}/${file} imports ${path}`);
        }
      }
    }
  });

  test('reads the TESSERA_* variables, migrates at start, answers the seeds, and records the peer\'s address', async () => {
    const dir = freshFolder();
    const database = await createTestDatabase(dir);
    databases.push(database);
    const env = { TESSERA_SIGNING_KEY: TEST_SIGNING_KEY, TESSERA_DATABASE_URL: database.url, TESSERA_ROTATE_REFRESH_TOKENS: 'true' };
    const served = await startServe(dir, [], env, EXAMPLE);
    // The example migrated the database it was given: a user can be created in it at once.
    const tessera = createTessera({ settings: loadSettings({ cwd: dir, overrides: { databaseUrl: database.url, signingKey: TEST_SIGNING_KEY } }) });
    try {
      await tessera.ready();
      await tessera.store.users.create({ username: 'shoumitro', email: 's@example.com', password: await createPasswordHashers().hash('Ab12345678') });

      const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${served.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
      assert.equal((await post('/gettoken/', { username: 'shoumitro', password: 'wrong' })).status, 401);
      const login = await post('/gettoken/', { username: 'shoumitro', password: 'Ab12345678' });
      assert.equal(login.status, 200);
      const pair = await login.json() as { access: string; refresh: string };
      const auth = { authorization: `Bearer ${pair.access}` };
      // TESSERA_ROTATE_REFRESH_TOKENS: the refresh answers a new refresh token.
      const refreshed = await (await post('/refreshtoken/', { refresh: pair.refresh })).json() as Record<string, string>;
      assert.deepEqual(Object.keys(refreshed).sort(), ['access', 'refresh']);
      assert.deepEqual(await (await fetch(`${served.url}/api/user/`, { headers: auth })).json(), { id: 1, username: 'shoumitro' });
      assert.deepEqual(await (await fetch(`${served.url}/auth/users/me/`, { headers: auth })).json(), { email: 's@example.com', id: 1, username: 'shoumitro' });
      const student = await post('/studentapi/', { name: 'Sonam', roll: 101, city: 'Ranchi' }, auth);
      assert.equal(student.status, 201);
      assert.deepEqual(await student.json(), { id: 1, name: 'Sonam', roll: 101, city: 'Ranchi' });
      // What @hono/node-server cannot make a Request of is DRF's 400 too, not its empty one.
      for (const head of ['GET /api\\user/ HTTP/1.1\r\nHost: localhost', 'GET /api/user/ HTTP/1.1\r\nHost: localhost:99999']) {
        const answer = await rawRequest(served.port, `${head}\r\nConnection: close\r\n\r\n`);
        assert.match(answer, /^HTTP\/1\.1 400 [^]*\r\nx-frame-options: DENY\r\n[^]*\r\n\r\n\{"detail":"Bad Request"\}$/i, head);
      }
      const elsewhere = await fetch(`${served.url}/nowhere/`);
      assert.equal(elsewhere.status, 404);
      assert.deepEqual(await elsewhere.json(), { detail: 'Not found.' });

      // The failed login's address is the one @hono/node-server saw (getConnInfo), not ''.
      // The other process may still be writing its audit rows.
      const failed = await eventually('the failed login in the audit log', async () => {
        const events = await tessera.audit.list({ type: 'login_failed' });
        return events.length > 0 ? events : undefined;
      });
      assert.deepEqual(failed.map((event) => event.ip), ['127.0.0.1']);
    } finally {
      await tessera.close();
    }

    served.child.kill('SIGTERM');
    const exit = await served.exited;
    assert.equal(exit.code, 0, served.stderr());
  });
});

/** Sends bytes as they are (fetch would fix the path and refuse the Host) and reads the whole answer. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk)).on('close', () => resolve(answer)).on('error', reject);
  });
}
