import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CONSOLE_BUILD_DIR } from '../../src/server/console.js';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../support/database.js';
import { BUNDLE, BUNDLED_CLI, cleanUp, freshFolder, runCli, startServe, tesseraChildren, type Served } from '../support/cli-process.js';
import { randomPrefix, redisSkipReason, TEST_REDIS_URL, testRedis } from '../support/redis.js';

// `npm start` and `npx tessera` run the esbuild bundle in dist/bin/, not the sources the other CLI
// tests run through tsx. These tests build it from the current sources and use it as a user would:
// anything the bundle misses (a package read from its own folder, a native add-on, a file found
// relative to the module) fails here.

const SIGNING_KEY = 'bundle-test-signing-key-that-is-long-enough-0123456789';
const PASSWORD = 'a-Strong-passphrase-9';
const root = new URL('../..', import.meta.url).pathname;

before(() => {
  // The bundle itself is rebuilt from the sources by scripts/run-tests.mjs before every run (not
  // here: the other CLI suites run it at the same time).
  assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run the tests through scripts/run-tests.mjs (npm test)`);
  // /console/ serves the vite build; build it when a fresh tree has none (as the console tests do).
  if (!existsSync(join(CONSOLE_BUILD_DIR, 'index.html'))) {
    const vite = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    assert.equal(vite.status, 0, 'vite build failed');
  }
});
after(cleanUp);

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

describe('the bundled tessera command', () => {
  let cwd: string;
  let database: TestDatabase;
  let env: Record<string, string>;
  let server: Served;
  let redisPrefix: string | null = null;

  before(async () => {
    cwd = freshFolder('tessera-bundle-');
    database = await createTestDatabase(cwd);
    env = {
      TESSERA_DATABASE_URL: database.url, TESSERA_SIGNING_KEY: SIGNING_KEY, TESSERA_LOG_LEVEL: 'warn',
      TESSERA_EMAIL_URL: `file:${join(cwd, 'mail')}`,
    };
    // With Redis at hand the bundle talks to it too (ioredis is loaded at run time).
    if ((await redisSkipReason()) === null) {
      redisPrefix = randomPrefix();
      env = { ...env, TESSERA_REDIS_URL: TEST_REDIS_URL, TESSERA_REDIS_KEY_PREFIX: redisPrefix };
    }
  });
  after(async () => {
    await database.drop();
    if (redisPrefix) {
      const redis = testRedis();
      const keys = await redis.keys(`${redisPrefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });

  test('answers --help and names an unknown command in one line', async () => {
    const help = await runCli(cwd, ['--help'], {}, BUNDLED_CLI);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: tessera <command>/);
    const unknown = await runCli(cwd, ['nosuch'], {}, BUNDLED_CLI);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'tessera: error: unknown command "nosuch"; run tessera --help\n');
  });

  test(`migrates and creates a superuser on ${TEST_ENGINE}`, async () => {
    const migrated = await runCli(cwd, ['migrate'], env, BUNDLED_CLI);
    assert.equal(migrated.code, 0, migrated.stderr);
    const created = await runCli(cwd, ['createsuperuser', '--username', 'admin', '--email', 'admin@example.com', '--no-input'],
      { ...env, TESSERA_SUPERUSER_PASSWORD: PASSWORD }, BUNDLED_CLI);
    assert.equal(created.code, 0, created.stderr);
  });

  test('serves the API, the API docs and the console', async () => {
    server = await startServe(cwd, [], env, BUNDLED_CLI);
    const pair = await post(`${server.url}/api/token/`, { username: 'admin', password: PASSWORD });
    assert.equal(pair.status, 200, JSON.stringify(pair.body));
    const me = await fetch(`${server.url}/api/user/`, { headers: { authorization: `Bearer ${pair.body.access}` } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { username: string }).username, 'admin');
    const refreshed = await post(`${server.url}/api/token/refresh/`, { refresh: pair.body.refresh });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));

    // A multipart login: @fastify/multipart and busboy are inside the bundle.
    const form = new FormData();
    form.set('username', 'admin');
    form.set('password', PASSWORD);
    const multipart = await fetch(`${server.url}/api/token/`, { method: 'POST', body: form });
    assert.equal(multipart.status, 200);

    // The document's version is read from package.json, found from the bundle's own folder.
    const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as { info: { version: string } };
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal(openapi.info.version, pkg.version);
    // swagger-ui serves its files from its own package folder.
    const docs = await fetch(`${server.url}/docs/static/swagger-ui.css`);
    assert.equal(docs.status, 200);
    assert.match(docs.headers.get('content-type') ?? '', /text\/css/);
    const consolePage = await fetch(`${server.url}/console/`);
    assert.equal(consolePage.status, 200);
    assert.match(await consolePage.text(), /<div id="app">/);
  });

  test('checks passwords against the common-password list and sends the activation email', async () => {
    const common = await post(`${server.url}/auth/users/`, { username: 'carol', email: 'carol@example.com', password: 'password123' });
    assert.equal(common.status, 400);
    assert.deepEqual(common.body, { password: ['This password is too common.'] });
    const registered = await post(`${server.url}/auth/users/`, { username: 'dave', email: 'dave@example.com', password: PASSWORD });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    // nodemailer writes the message after the answer (see docs/accounts.md, "email is sent after the answer").
    const mail = join(cwd, 'mail');
    // Generous: beside the browser suites the machine can be slow to load nodemailer the first time.
    const deadline = Date.now() + 30_000;
    // Only whole messages: the mailer writes `.NAME.partial` first, then renames it to NAME.eml.
    const messages = () => (existsSync(mail) ? readdirSync(mail).filter((file) => file.endsWith('.eml')) : []);
    while (messages().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const files = messages();
    assert.equal(files.length, 1, 'one activation email');
    assert.match(readFileSync(join(mail, files[0]!), 'utf8'), /\/#\/activate\/[A-Za-z0-9_-]+\/[A-Za-z0-9-]+/);
  });

  test('runs two workers from the bundle', async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    const cluster = await startServe(cwd, ['--workers', '2'], env, BUNDLED_CLI);
    assert.equal(tesseraChildren(cluster.pid, BUNDLED_CLI).length, 2);
    const pair = await post(`${cluster.url}/api/token/`, { username: 'admin', password: PASSWORD });
    assert.equal(pair.status, 200);
    cluster.child.kill('SIGTERM');
    assert.deepEqual(await cluster.exited, { code: 0, signal: null });
  });

  test('is the file package.json runs', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { tessera: string }; scripts: { start: string } };
    assert.equal(join(root, pkg.bin.tessera), BUNDLE);
    assert.equal(pkg.scripts.start, `node ${pkg.bin.tessera} serve`);
  });
});
