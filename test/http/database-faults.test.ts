import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { isUnavailableError } from '../../src/store/unavailable.js';
import { createPostgresDatabase, TEST_ENGINE, type TestDatabase } from '../support/database.js';
import { startSignedIn, type TestServer } from '../support/server.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const skip = TEST_ENGINE === 'postgres'
  ? false
  : 'PostgreSQL only (TESSERA_TEST_DATABASE=postgres): the outage is a TCP proxy in front of PostgreSQL';
const TIMEOUT = 2;
const CREDENTIALS = { username: 'outage', password: 'Ab12345678' };
const UNAVAILABLE = { detail: 'Service temporarily unavailable.' };

interface Timed {
  status: number;
  json: unknown;
  ms: number;
}

describe('PostgreSQL down or silent under load', { skip }, () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let server: TestServer;
  let access: string;

  before(async () => {
    database = await createPostgresDatabase();
    const target = new URL(database.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const port = await proxy.start();
    const proxied = new URL(database.url);
    proxied.port = String(port);
    ({ server, access } = await startSignedIn({ databaseUrl: proxied.toString(), databaseTimeout: TIMEOUT, databasePoolSize: 5 }, CREDENTIALS));
  });
  after(async () => {
    await server?.close();
    await proxy?.close();
    await database?.drop();
  });

  const timed = async (send: () => Promise<{ status: number; json: unknown }>): Promise<Timed> => {
    const started = performance.now();
    const { status, json } = await send();
    return { status, json, ms: performance.now() - started };
  };

  /** 50 requests in flight: 25 logins (need the database) and 25 verifies (need only the token). */
  const load = () =>
    Promise.all(Array.from({ length: 50 }, (_, i) =>
      timed(() => (i % 2 ? server.post('/api/token/verify/', { token: access }) : server.post('/api/token/', CREDENTIALS)))));

  const checkOutage = (answers: Timed[]) => {
    const logins = answers.filter((_, i) => i % 2 === 0);
    const verifies = answers.filter((_, i) => i % 2 === 1);
    assert.equal(answers.filter((a) => a.status >= 500 && a.status !== 503).length, 0, 'no 500s');
    for (const login of logins) {
      assert.equal(login.status, 503);
      assert.deepEqual(login.json, UNAVAILABLE);
      assert.ok(login.ms < (TIMEOUT + 2) * 1000, `503 after ${Math.round(login.ms)} ms`);
    }
    for (const verify of verifies) assert.equal(verify.status, 200, 'verify needs only the token');
  };

  const loginsWorkAgain = async () => {
    // The pool reconnects by itself; allow it a few tries, no restart.
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
      status = (await server.post('/api/token/', CREDENTIALS)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(status, 200);
    const answers = await load();
    assert.deepEqual(answers.map((a) => a.status), answers.map(() => 200));
  };

  test('stopped (connections reset, new ones refused): logins 503 fast, verify 200, then back by itself', async () => {
    assert.equal((await server.post('/api/token/', CREDENTIALS)).status, 200);
    await proxy.stop();
    checkOutage(await load());
    // An authenticated route needs the user row: 503 too, never 401 or 500.
    const me = await server.get('/api/user/', { authorization: `Bearer ${access}` });
    assert.equal(me.status, 503);
    await proxy.restore();
    await loginsWorkAgain();
  });

  test('reset during a query: that query fails as unavailable, the process goes on, and logins come back', async () => {
    const running = sql`select pg_sleep(1)`.execute(server.store.database.db);
    const failed = assert.rejects(running, (error: unknown) => isUnavailableError(error));
    await new Promise((r) => setTimeout(r, 200));
    await proxy.stop();
    await failed;
    await proxy.restore();
    await loginsWorkAgain();
  });

  test('silent (no answer, no reset): logins 503 within the timeout, verify 200, then back by itself', async () => {
    assert.equal((await server.post('/api/token/', CREDENTIALS)).status, 200);
    proxy.hang();
    checkOutage(await load());
    await proxy.restore();
    await loginsWorkAgain();
  });
});
