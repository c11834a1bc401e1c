import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as storeModule from '../../src/store/index.js';
import { cleanUp, freshFolder, runCli, startServe, type Served } from '../support/cli-process.js';

/**
 * Three tessera processes on different ports against ONE database (and one Redis when it runs):
 * what any node issues, rotates or blacklists, every other node honours. Runs on a shared SQLite
 * file always, and on PostgreSQL when it is reachable and the engine is built
 * (TESSERA_TEST_DATABASE=postgres or TESSERA_REQUIRE_SERVICES=1 make a missing PostgreSQL, and the
 * latter a missing Redis, a failure; TESSERA_TEST_DATABASE=sqlite runs SQLite only).
 */

const SIGNING_KEY = 'multi-node-test-signing-key-that-is-long-enough-0123456789';
const PASSWORD = 'multi-node-pass-1';
const POSTGRES_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const wanted = process.env.TESSERA_TEST_DATABASE ?? '';
/** Set by CI: a missing PostgreSQL or Redis fails the run instead of being skipped. */
const required = process.env.TESSERA_REQUIRE_SERVICES === '1';

after(cleanUp);

function ok(command: string, args: string[]): boolean {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  return run.status === 0;
}

/** Why PostgreSQL cannot be used here, or null when it can. */
function postgresMissing(): string | null {
  const engineOfUrl = (storeModule as Record<string, unknown>).engineOfUrl as ((url: string) => string) | undefined;
  if (typeof engineOfUrl !== 'function' || engineOfUrl(POSTGRES_ADMIN) !== 'postgres') return 'the store has no PostgreSQL engine yet';
  if (!ok('psql', [POSTGRES_ADMIN, '-tAc', 'select 1'])) return 'PostgreSQL is not reachable at 127.0.0.1:5432 as user postgres';
  return null;
}

const redisUp = ok('redis-cli', ['-u', REDIS_URL, 'ping']);
if (!redisUp && required) throw new Error(`TESSERA_REQUIRE_SERVICES=1 but Redis is not reachable at ${REDIS_URL}`);
if (!redisUp) process.stdout.write(`# multi-node runs without Redis: not reachable at ${REDIS_URL}\n`);

interface Reply {
  status: number;
  json: any;
}

async function post(node: Served, path: string, body: unknown): Promise<Reply> {
  const response = await fetch(`${node.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/** Polls until `node` refuses `refresh` as blacklisted; answers how long that took, in ms. */
async function refusedWithin(node: Served, refresh: string, deadlineMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const answer = await post(node, '/api/token/refresh/', { refresh });
    if (answer.status === 401 && answer.json.detail === 'Token is blacklisted') return Date.now() - started;
    assert.ok(answer.status < 500, `no server error while polling: ${answer.status} ${JSON.stringify(answer.json)}`);
    if (Date.now() - started > deadlineMs) assert.fail(`still not refused after ${deadlineMs} ms: ${answer.status} ${JSON.stringify(answer.json)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function multiNode(engine: 'sqlite' | 'postgres', skip: string | false): void {
  describe(`three nodes on one ${engine === 'postgres' ? 'PostgreSQL' : 'SQLite'} database${redisUp ? ' and one Redis' : ''}`, { skip }, () => {
    const id = `tessera_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const shared = freshFolder('tessera-scale-');
    const databaseUrl = engine === 'postgres' ? `postgres://postgres@127.0.0.1:5432/${id}` : `sqlite:${join(shared, 'shared.sqlite3')}`;
    const env: Record<string, string> = {
      TESSERA_DATABASE_URL: databaseUrl,
      TESSERA_SIGNING_KEY: SIGNING_KEY,
      TESSERA_ROTATE_REFRESH_TOKENS: 'true',
      TESSERA_BLACKLIST_AFTER_ROTATION: 'true',
      TESSERA_TOKEN_FAMILIES: 'true',
      TESSERA_LOG_LEVEL: 'warn',
      ...(redisUp ? { TESSERA_REDIS_URL: REDIS_URL, TESSERA_REDIS_KEY_PREFIX: `${id}:` } : {}),
    };
    let nodes: Served[] = [];
    let store: storeModule.Store;

    before(async () => {
      if (engine === 'postgres') assert.ok(ok('createdb', ['-h', '127.0.0.1', '-U', 'postgres', id]), `createdb ${id}`);
      // Migrated once, then three nodes (each in a folder of its own) start together.
      const migrated = await runCli(shared, ['migrate'], env);
      assert.equal(migrated.code, 0, migrated.stderr);
      const created = await runCli(shared, ['createuser', '--username', 'alice', '--email', 'alice@example.com', '--no-input'], {
        ...env, TESSERA_SUPERUSER_PASSWORD: PASSWORD,
      });
      assert.equal(created.code, 0, created.stderr);
      nodes = await Promise.all([0, 1, 2].map(() => startServe(freshFolder('tessera-node-'), [], env)));
      store = storeModule.openStore(databaseUrl);
    });

    after(async () => {
      for (const node of nodes) node.child.kill('SIGTERM');
      const exits = await Promise.all(nodes.map((node) => node.exited));
      await store?.close();
      if (engine === 'postgres') ok('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--if-exists', '--force', id]);
      if (redisUp) {
        const keys = spawnSync('redis-cli', ['-u', REDIS_URL, '--scan', '--pattern', `${id}:*`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
        if (keys.length > 0) spawnSync('redis-cli', ['-u', REDIS_URL, 'del', ...keys]);
      }
      for (const exit of exits) assert.deepEqual(exit, { code: 0, signal: null }, 'every node drains and exits 0 on SIGTERM');
    });

    test('every node is ready, with the shared database and Redis', async () => {
      for (const node of nodes) {
        const answer = await fetch(`${node.url}/ready/`);
        assert.equal(answer.status, 200);
        assert.deepEqual(await answer.json(), { status: 'ready', database: 'ok', redis: redisUp ? 'ok' : 'not configured' });
      }
    });

    test('login on A, refresh on B, blacklist on C: refused on A and B within one second', async (t) => {
      const [a, b, c] = nodes as [Served, Served, Served];
      const login = await post(a, '/api/token/', { username: 'alice', password: PASSWORD });
      assert.equal(login.status, 200);

      const rotated = await post(b, '/api/token/refresh/', { refresh: login.json.refresh });
      assert.equal(rotated.status, 200);
      assert.equal(typeof rotated.json.refresh, 'string', 'rotation issues a successor');
      assert.notEqual(rotated.json.refresh, login.json.refresh);
      // Rotated on B, so A answers a retry of the original (within the grace window) with B's successor.
      const replay = await post(a, '/api/token/refresh/', { refresh: login.json.refresh });
      assert.equal(replay.status, 200);
      assert.equal(replay.json.refresh, rotated.json.refresh);

      const blacklisted = await post(c, '/api/token/blacklist/', { refresh: rotated.json.refresh });
      assert.equal(blacklisted.status, 200);
      const [onA, onB] = await Promise.all([refusedWithin(a, rotated.json.refresh, 1000), refusedWithin(b, rotated.json.refresh, 1000)]);
      t.diagnostic(`${engine}: blacklisted on C, refused on A after ${onA} ms and on B after ${onB} ms`);
    });

    test('50 concurrent refreshes of one token across the 3 nodes: exactly one successor', async (t) => {
      const login = await post(nodes[0]!, '/api/token/', { username: 'alice', password: PASSWORD });
      assert.equal(login.status, 200);
      const before = await store.tokens.countOutstanding();

      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => post(nodes[i % 3]!, '/api/token/refresh/', { refresh: login.json.refresh })),
      );
      const elapsed = Date.now() - started;

      const byStatus = new Map<number, number>();
      for (const answer of answers) byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
      const summary = JSON.stringify(Object.fromEntries(byStatus));
      assert.ok(answers.every((answer) => answer.status < 500), `never a server error: ${summary}`);
      // Within the grace window every one of them gets the one successor the winner issued.
      const winners = answers.filter((answer) => answer.status === 200);
      assert.equal(winners.length, 50, `every refresh answered 200: ${summary}`);
      assert.equal(typeof winners[0]!.json.refresh, 'string');
      assert.equal(new Set(answers.map((answer) => answer.json.refresh)).size, 1, 'exactly one distinct successor');
      assert.equal(await store.tokens.countOutstanding(), before + 1, 'the outstanding table holds exactly one successor');
      assert.equal(await store.tokens.isBlacklisted(JSON.parse(Buffer.from(login.json.refresh.split('.')[1], 'base64url').toString()).jti), true);
      // The successor is live everywhere.
      const next = await post(nodes[2]!, '/api/token/refresh/', { refresh: winners[0]!.json.refresh });
      assert.equal(next.status, 200);
      t.diagnostic(`${engine}: 50 concurrent refreshes over 3 nodes answered in ${elapsed} ms (${summary})`);
    });
  });
}

multiNode('sqlite', wanted === 'postgres' ? 'TESSERA_TEST_DATABASE=postgres: PostgreSQL only' : false);
const missing = wanted === 'sqlite' ? 'TESSERA_TEST_DATABASE=sqlite' : postgresMissing();
if (missing && (wanted === 'postgres' || (required && wanted !== 'sqlite'))) throw new Error(`TESSERA_TEST_DATABASE=postgres but ${missing}`);
if (missing) process.stdout.write(`# multi-node on PostgreSQL skipped: ${missing}\n`);
multiNode('postgres', missing ?? false);
