import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTessera, loadSettings, SettingsError } from '../../src/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createTestDatabase } from '../support/database.js';
import { environment, SOURCE_CLI } from '../support/cli-process.js';
import { TEST_SIGNING_KEY } from '../support/server.js';

// The source CLI, not the bundle (dist/ is built by the lead): these are this branch's commands.
function tessera(cwd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...SOURCE_CLI.nodeArgs, ...args], { cwd, env: environment(env), stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end('');
  // A safety net, not a timing assertion: a `serve` that started by mistake would never end.
  const stop = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(stop);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("loginField: 'email' over a database where accounts share emails (Django's default user model allows it)", () => {
  let dir: string;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let env: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-email-cli-'));
    database = await createTestDatabase(dir);
    env = { TESSERA_DATABASE_URL: database.url, TESSERA_DATA_DIR: dir, TESSERA_SIGNING_KEY: TEST_SIGNING_KEY };
    store = openStore(database.url);
    await store.migrate();
    for (const [username, email] of [['a1', 'ann@example.com'], ['a2', 'ANN@example.com'], ['b1', 'bob@example.com'], ['b2', 'Bob@Example.com'], ['c', 'carl@example.com'], ['d1', ''], ['d2', '']]) {
      await store.users.create({ username: username!, email: email!, password: '!' });
    }
  });
  after(async () => {
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the core refuses to start, naming how many emails are shared and the first ones; with username it starts', async () => {
    const settings = loadSettings({ cwd: dir, overrides: { databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY, loginField: 'email' } });
    const core = createTessera({ settings });
    try {
      await assert.rejects(core.migrate(), (error: unknown) => {
        assert.ok(error instanceof SettingsError);
        assert.equal(error.message,
          "loginField: is 'email' but 2 emails are shared by more than one account, in any case (ann@example.com, bob@example.com): "
          + "give each of those accounts its own email (or none), or keep loginField: 'username'");
        return true;
      });
    } finally {
      await core.close();
    }
    const byName = createTessera({ settings: { ...settings, loginField: 'username' } });
    try {
      await byName.migrate();
    } finally {
      await byName.close();
    }
  });

  test('`tessera migrate` migrates, then refuses in one line; `serve` does not start', async () => {
    const migrated = await tessera(dir, ['migrate'], { ...env, TESSERA_LOGIN_FIELD: 'email' });
    assert.equal(migrated.code, 1, migrated.stderr);
    const lines = migrated.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, migrated.stderr);
    assert.match(lines[0]!, /^tessera: error: loginField: is 'email' but 2 emails are shared/);
    const serve = await tessera(dir, ['serve'], { ...env, TESSERA_LOGIN_FIELD: 'email', TESSERA_PORT: '0' });
    assert.notEqual(serve.code, 0);
    assert.match(serve.stderr, /loginField: is 'email' but 2 emails are shared/);
  });

  test('an invalid loginField is the settings loader\'s one-line error', async () => {
    const run = await tessera(dir, ['migrate'], { ...env, TESSERA_LOGIN_FIELD: 'phone' });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'tessera: error: TESSERA_LOGIN_FIELD: "phone" is not one of username, email\n');
  });

  test('createsuperuser by email: --email required, a username made from it, a taken email refused in any case', async () => {
    // The shared emails are given their own first, so the command can start.
    const a2 = (await store.users.findByUsername('a2'))!;
    const b2 = (await store.users.findByUsername('b2'))!;
    await store.users.setEmail(a2.id, 'ann.two@example.com');
    await store.users.setEmail(b2.id, '');
    const byEmail = { ...env, TESSERA_LOGIN_FIELD: 'email', TESSERA_SUPERUSER_PASSWORD: 'tessera-pass-42' };
    const noEmail = await tessera(dir, ['createsuperuser', '--no-input'], byEmail);
    assert.equal(noEmail.code, 2);
    assert.match(noEmail.stderr, /--email is required/);
    const made = await tessera(dir, ['createsuperuser', '--no-input', '--email', 'Root@Example.com'], byEmail);
    assert.equal(made.code, 0, made.stderr);
    const root = await store.users.findByLoginEmail('root@example.com');
    assert.equal(root?.username, 'root@example.com');
    assert.equal(root?.isSuperuser, true);
    const taken = await tessera(dir, ['createsuperuser', '--no-input', '--email', 'CARL@example.com', '--username', 'carl2'], byEmail);
    assert.equal(taken.code, 1);
    assert.equal(taken.stderr, 'tessera: error: That email address is already taken.\n');
    assert.equal(await store.users.findByUsername('carl2'), null);
    // Django's commands that name a user take its USERNAME_FIELD: the email, here in any case.
    const token = await tessera(dir, ['drf_create_token', 'ROOT@example.com'], byEmail);
    assert.equal(token.code, 0, token.stderr);
    assert.match(token.stdout, /^Generated token [0-9a-f]{40} for user ROOT@example\.com\n$/);
    const byName = await tessera(dir, ['drf_create_token', 'c'], byEmail);
    assert.equal(byName.code, 1);
    assert.match(byName.stderr, /user c does not exist/);
  });
});
