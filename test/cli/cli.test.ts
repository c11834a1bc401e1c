import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSigner } from 'fast-jwt';
import { sql, type Kysely } from 'kysely';
import { createPasswordHashers } from '../../src/crypto/index.js';
import { openStore } from '../../src/store/index.js';
import { deleteKeys, randomPrefix, redisSkipReason, TEST_REDIS_URL, testRedis } from '../support/redis.js';
import { startServer } from '../support/server.js';
import { TESTED_CLI } from '../support/cli-process.js';

const redisSkip = await redisSkipReason();

const SIGNING_KEY = 'cli-test-signing-key-that-is-long-enough-0123456789';

const dirs: string[] = [];
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function freshFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  dirs.push(dir);
  return dir;
}

/** The parent's environment without any TESSERA_* variable, plus `extra`. */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TESSERA_')) env[name] = value;
  return { ...env, ...extra };
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(cwd: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [...TESTED_CLI.nodeArgs, ...args], { cwd, env: environment(env), stdio: 'pipe' });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs `tessera ARGS` in `cwd` to its end; `input` is piped to stdin (stdin is closed either way). */
function tessera(cwd: string, args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  const child = start(cwd, args, options.env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The one-line-error rule: exactly one line on stderr, no stack trace. */
function assertOneLineError(run: Run, pattern: RegExp): void {
  assert.notEqual(run.code, 0, `expected a failure, got ${run.code}`);
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
  assert.match(lines[0]!, pattern);
}

/** Like assertOneLineError, for commands that prompted first: the error is the last line, alone. */
function assertErrorAfterPrompts(run: Run, pattern: RegExp): void {
  assert.notEqual(run.code, 0);
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
  assert.match(lines.at(-1)!, pattern);
  for (const line of lines.slice(0, -1)) assert.match(line, /^(Password: |Password \(again\): |Changing password for user )/);
}

function userRow(cwd: string, username: string): Record<string, unknown> | undefined {
  const db = new Database(join(cwd, 'data', 'tessera.sqlite3'), { readonly: true });
  try {
    return db.prepare('SELECT * FROM auth_user WHERE username = ?').get(username) as Record<string, unknown> | undefined;
  } finally {
    db.close();
  }
}

describe('usage', () => {
  test('--help prints the commands and exits 0', async () => {
    const run = await tessera(freshFolder(), ['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^usage: tessera <command>/);
    for (const command of ['serve', 'migrate', 'createsuperuser', 'createuser', 'changepassword', 'flushexpiredtokens', 'token decode']) {
      assert.ok(run.stdout.includes(command), command);
    }
    assert.equal(run.stderr, '');
  });

  test('an unknown command exits 2 with one line on stderr', async () => {
    const run = await tessera(freshFolder(), ['frobnicate']);
    assert.equal(run.code, 2);
    assertOneLineError(run, /^tessera: error: unknown command "frobnicate"; run tessera --help$/);
    assert.equal(run.stdout, '');
  });

  test('an unknown option exits 2 with one line on stderr', async () => {
    const run = await tessera(freshFolder(), ['createuser', '--username', 'x', '--frob']);
    assert.equal(run.code, 2);
    assertOneLineError(run, /^tessera: error: unknown option --frob for tessera createuser; it takes --username, --email, --no-input, --inactive, --staff$/);
  });
});

describe('migrate', () => {
  test('prints the applied migrations, then "No migrations to apply."', async () => {
    const cwd = freshFolder();
    const first = await tessera(cwd, ['migrate']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^Applied 0001_core_initial$/m);
    assert.ok(existsSync(join(cwd, 'data', 'tessera.sqlite3')));
    const second = await tessera(cwd, ['migrate']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'No migrations to apply.\n');
  });

  test('TESSERA_DATABASE_URL chooses the file', async () => {
    const cwd = freshFolder();
    const run = await tessera(cwd, ['migrate'], { env: { TESSERA_DATABASE_URL: 'sqlite:elsewhere/db.sqlite3' } });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(existsSync(join(cwd, 'elsewhere', 'db.sqlite3')));
    assert.equal(existsSync(join(cwd, 'data', 'tessera.sqlite3')), false);
  });
});

describe('the CLI beside an application on one database', () => {
  test('each keeps its own migrations: the CLI runs after the app migrated, the app after the CLI, and no example table is made', async () => {
    const cwd = freshFolder();
    mkdirSync(join(cwd, 'data'));
    const notes = { owner: 'notes', migrations: { '0100_notes': { up: async (db: Kysely<unknown>) => void (await sql`create table notes (id integer)`.execute(db)) } } };
    const app = openStore(`sqlite:${join(cwd, 'data', 'tessera.sqlite3')}`);
    try {
      assert.ok((await app.migrate(notes)).includes('0100_notes'));
    } finally {
      await app.close();
    }
    const migrated = await tessera(cwd, ['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.equal(migrated.stdout, 'No migrations to apply.\n');
    const created = await tessera(cwd, ['createsuperuser', '--username', 'admin', '--email', 'a@b.co', '--no-input'], {
      env: { TESSERA_SUPERUSER_PASSWORD: 'a-Long-password-91' },
    });
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await tessera(cwd, ['flushexpiredtokens'])).code, 0);
    const again = openStore(`sqlite:${join(cwd, 'data', 'tessera.sqlite3')}`);
    try {
      assert.deepEqual(await again.migrate(notes), []);
      assert.equal((await again.users.findByUsername('admin'))?.isSuperuser, true);
    } finally {
      await again.close();
    }
    const db = new Database(join(cwd, 'data', 'tessera.sqlite3'), { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name);
      assert.ok(tables.includes('notes'));
      assert.ok(!tables.includes('api_student') && !tables.includes('tasks_task'), tables.join(', '));
    } finally {
      db.close();
    }
  });
});

describe('createsuperuser and createuser', () => {
  let cwd: string;
  before(() => {
    cwd = freshFolder();
  });

  test('--no-input with TESSERA_SUPERUSER_PASSWORD creates a superuser with an argon2 hash', async () => {
    const run = await tessera(cwd, ['createsuperuser', '--username', 'admin', '--email', 'a@b.co', '--no-input'], {
      env: { TESSERA_SUPERUSER_PASSWORD: 'correct-horse-1' },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Superuser created successfully.\n');
    const row = userRow(cwd, 'admin');
    assert.ok(row);
    assert.equal(row.email, 'a@b.co');
    assert.equal(row.is_superuser, 1);
    assert.equal(row.is_staff, 1);
    assert.equal(row.is_active, 1);
    assert.match(String(row.password), /^argon2\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    assert.equal((await createPasswordHashers().verify('correct-horse-1', String(row.password))).valid, true);
  });

  test('--no-input without TESSERA_SUPERUSER_PASSWORD is a one-line error naming it', async () => {
    const run = await tessera(cwd, ['createsuperuser', '--username', 'nopass', '--email', 'a@b.co', '--no-input']);
    assertOneLineError(run, /TESSERA_SUPERUSER_PASSWORD/);
    assert.equal(userRow(cwd, 'nopass'), undefined);
  });

  test('a taken username: Django\'s "That username is already taken." after the prefix', async () => {
    const run = await tessera(cwd, ['createsuperuser', '--username', 'admin', '--email', 'other@b.co', '--no-input'], {
      env: { TESSERA_SUPERUSER_PASSWORD: 'another-pass-2' },
    });
    assertOneLineError(run, /^tessera: error: That username is already taken\.$/);
    assert.equal(userRow(cwd, 'admin')?.email, 'a@b.co');
  });

  test('usernames are stored normalized (NFKC); a look-alike of a taken one is taken', async () => {
    const lookalike = await tessera(cwd, ['createuser', '--username', '\uFF41dmin', '--no-input'], { env: { TESSERA_SUPERUSER_PASSWORD: 'another-pass-2' } });
    assertOneLineError(lookalike, /^tessera: error: That username is already taken\.$/);
    const run = await tessera(cwd, ['createuser', '--username', '\uFB00cli', '--no-input'], { env: { TESSERA_SUPERUSER_PASSWORD: 'another-pass-2' } });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(userRow(cwd, 'ffcli'));
    assert.equal(userRow(cwd, '\uFB00cli'), undefined);
  });

  test('the password asked twice on piped stdin', async () => {
    const run = await tessera(cwd, ['createsuperuser', '--username', 'piped', '--email', 'p@b.co'], { input: 'piped-pass-3\npiped-pass-3\n' });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Superuser created successfully.\n');
    assert.match(run.stderr, /Password: /);
    assert.match(run.stderr, /Password \(again\): /);
    assert.ok(!run.stderr.includes('piped-pass-3'), 'the password is not echoed');
    const row = userRow(cwd, 'piped');
    assert.equal((await createPasswordHashers().verify('piped-pass-3', String(row?.password))).valid, true);
  });

  test("passwords that do not match: \"tessera: error: Your passwords didn't match.\", on a line of its own", async () => {
    const run = await tessera(cwd, ['createsuperuser', '--username', 'mismatch', '--email', 'm@b.co'], { input: 'first-pass-4\nsecond-pass-4\n' });
    assertErrorAfterPrompts(run, /^tessera: error: Your passwords didn't match\.$/);
    assert.equal(userRow(cwd, 'mismatch'), undefined);
  });

  test('input that ends before the password is a one-line error', async () => {
    const run = await tessera(cwd, ['createsuperuser', '--username', 'ended', '--email', 'e@b.co'], { input: '' });
    assertErrorAfterPrompts(run, /^tessera: error: no password given \(input ended\)$/);
    assert.equal(userRow(cwd, 'ended'), undefined);
  });

  test('createuser --inactive --staff makes an inactive staff user who is not a superuser', async () => {
    const run = await tessera(cwd, ['createuser', '--username', 'staffer', '--email', 's@b.co', '--no-input', '--inactive', '--staff'], {
      env: { TESSERA_SUPERUSER_PASSWORD: 'staff-pass-5' },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'User created successfully.\n');
    const row = userRow(cwd, 'staffer');
    assert.equal(row?.is_active, 0);
    assert.equal(row?.is_staff, 1);
    assert.equal(row?.is_superuser, 0);
  });

  test('createuser without flags makes an active, non-staff user', async () => {
    const run = await tessera(cwd, ['createuser', '--username', 'plain', '--no-input'], { env: { TESSERA_SUPERUSER_PASSWORD: 'plain-pass-6' } });
    assert.equal(run.code, 0, run.stderr);
    const row = userRow(cwd, 'plain');
    assert.equal(row?.is_active, 1);
    assert.equal(row?.is_staff, 0);
    assert.equal(row?.is_superuser, 0);
    assert.equal(row?.email, '');
  });

  test('createsuperuser does not take --staff', async () => {
    const run = await tessera(cwd, ['createsuperuser', '--username', 'x', '--no-input', '--staff'], { env: { TESSERA_SUPERUSER_PASSWORD: 'whatever-7' } });
    assertOneLineError(run, /^tessera: error: unknown option --staff for tessera createsuperuser; /);
  });

  test('a bad username is refused', async () => {
    const run = await tessera(cwd, ['createsuperuser', '--username', 'bad name!', '--email', 'a@b.co', '--no-input'], {
      env: { TESSERA_SUPERUSER_PASSWORD: 'good-pass-8' },
    });
    assertOneLineError(run, /^tessera: error: --username: enter a valid username/);
    assert.equal(userRow(cwd, 'bad name!'), undefined);
  });

  test('a missing username is a usage error', async () => {
    const run = await tessera(cwd, ['createsuperuser', '--email', 'a@b.co', '--no-input'], { env: { TESSERA_SUPERUSER_PASSWORD: 'good-pass-8' } });
    assert.equal(run.code, 2);
    assertOneLineError(run, /--username is required/);
  });

  test('a bad email is refused', async () => {
    const run = await tessera(cwd, ['createsuperuser', '--username', 'bademail', '--email', 'not-an-email', '--no-input'], {
      env: { TESSERA_SUPERUSER_PASSWORD: 'good-pass-9' },
    });
    assertOneLineError(run, /^tessera: error: --email: "not-an-email" is not a valid email address$/);
    assert.equal(userRow(cwd, 'bademail'), undefined);
  });

  test('a too-short password is refused', async () => {
    const run = await tessera(cwd, ['createsuperuser', '--username', 'shorty', '--email', 'a@b.co', '--no-input'], {
      env: { TESSERA_SUPERUSER_PASSWORD: 'short' },
    });
    assertOneLineError(run, /This password is too short\. It must contain at least 8 characters\./);
    assert.equal(userRow(cwd, 'shorty'), undefined);
  });

  test('an all-digit password is refused', async () => {
    const run = await tessera(cwd, ['createsuperuser', '--username', 'digits', '--no-input'], { env: { TESSERA_SUPERUSER_PASSWORD: '1234567890' } });
    assertOneLineError(run, /This password is entirely numeric\./);
  });
});

describe('changepassword', () => {
  let cwd: string;
  before(async () => {
    cwd = freshFolder();
    const run = await tessera(cwd, ['createsuperuser', '--username', 'admin', '--email', 'a@b.co', '--no-input'], {
      env: { TESSERA_SUPERUSER_PASSWORD: 'old-password-1' },
    });
    assert.equal(run.code, 0, run.stderr);
  });

  test('changes the password from piped stdin, and the new one verifies', async () => {
    const run = await tessera(cwd, ['changepassword', 'admin'], { input: 'new-password-2\nnew-password-2\n' });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "Password changed successfully for user 'admin'\n");
    const encoded = String(userRow(cwd, 'admin')?.password);
    const hashers = createPasswordHashers();
    assert.equal((await hashers.verify('new-password-2', encoded)).valid, true);
    assert.equal((await hashers.verify('old-password-1', encoded)).valid, false);
  });

  test('with Redis, every server refuses the user\'s tokens as the command ends: the revocation is published, not left to the poll', { skip: redisSkip ?? false }, async () => {
    const folder = freshFolder();
    const prefix = randomPrefix();
    const redisEnv = { TESSERA_REDIS_URL: TEST_REDIS_URL, TESSERA_REDIS_KEY_PREFIX: prefix };
    const created = await tessera(folder, ['createuser', '--username', 'dana', '--no-input'], { env: { ...redisEnv, TESSERA_SUPERUSER_PASSWORD: 'dana-password-1' } });
    assert.equal(created.code, 0, created.stderr);
    const server = await startServer({ databaseUrl: `sqlite:${join(folder, 'data', 'tessera.sqlite3')}`, redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix });
    const listener = testRedis();
    const published: string[] = [];
    try {
      await listener.subscribe(`${prefix}revoked`);
      listener.on('message', (_channel: string, message: string) => published.push(message));
      const { auth: bearer } = await server.login('dana', 'dana-password-1');
      assert.equal((await server.get('/api/user/', bearer)).status, 200);

      const run = await tessera(folder, ['changepassword', 'dana'], { env: redisEnv, input: 'dana-password-2\ndana-password-2\n' });
      assert.equal(run.code, 0, run.stderr);
      assert.ok(published.some((message) => JSON.parse(message).userId !== undefined), `a cut-off was published: ${published.join(', ')}`);
      assert.equal((await server.get('/api/user/', bearer)).status, 401, 'refused at once, well before the 5 s poll');
    } finally {
      listener.disconnect();
      await server.close();
      const cleanup = testRedis();
      await deleteKeys(cleanup, prefix);
      cleanup.disconnect();
    }
  });

  test("a look-alike spelling (fullwidth) names the same account, printed as it is stored", async () => {
    const run = await tessera(cwd, ['changepassword', '\uFF41dmin'], { input: 'newer-password-5\nnewer-password-5\n' });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "Password changed successfully for user 'admin'\n");
    assert.equal((await createPasswordHashers().verify('newer-password-5', String(userRow(cwd, 'admin')?.password))).valid, true);
  });

  test('a mismatch changes nothing', async () => {
    const before = userRow(cwd, 'admin')?.password;
    const run = await tessera(cwd, ['changepassword', 'admin'], { input: 'one-password-3\nother-password-3\n' });
    assertErrorAfterPrompts(run, /^tessera: error: Your passwords didn't match\.$/);
    assert.equal(userRow(cwd, 'admin')?.password, before);
  });

  test('an unknown user is a one-line error', async () => {
    const run = await tessera(cwd, ['changepassword', 'nobody'], { input: 'x\nx\n' });
    assertOneLineError(run, /^tessera: error: user "nobody" does not exist$/);
  });

  test('no username is a usage error', async () => {
    const run = await tessera(cwd, ['changepassword']);
    assert.equal(run.code, 2);
    assertOneLineError(run, /usage: tessera changepassword USERNAME/);
  });
});

describe('flushexpiredtokens', () => {
  test('deletes expired outstanding tokens and keeps live ones', async () => {
    const cwd = freshFolder();
    assert.equal((await tessera(cwd, ['migrate'])).code, 0);
    const db = new Database(join(cwd, 'data', 'tessera.sqlite3'));
    try {
      const insert = db.prepare('INSERT INTO token_blacklist_outstandingtoken (jti, token, user_id, created_at, expires_at) VALUES (?, ?, NULL, ?, ?)');
      const past = new Date(Date.now() - 86400_000).toISOString();
      const future = new Date(Date.now() + 86400_000).toISOString();
      insert.run('expired-1', 't', past, past);
      insert.run('expired-2', 't', past, past);
      insert.run('live-1', 't', past, future);
      const expiredId = (db.prepare("SELECT id FROM token_blacklist_outstandingtoken WHERE jti = 'expired-1'").get() as { id: number }).id;
      db.prepare('INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at) VALUES (?, ?)').run(expiredId, past);
    } finally {
      db.close();
    }
    const run = await tessera(cwd, ['flushexpiredtokens']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Deleted 2 expired tokens; ended 0 timed-out sessions.\n');
    const check = new Database(join(cwd, 'data', 'tessera.sqlite3'), { readonly: true });
    try {
      assert.deepEqual(check.prepare('SELECT jti FROM token_blacklist_outstandingtoken').all(), [{ jti: 'live-1' }]);
      assert.deepEqual(check.prepare('SELECT COUNT(*) AS n FROM token_blacklist_blacklistedtoken').get(), { n: 0 });
    } finally {
      check.close();
    }
    const again = await tessera(cwd, ['flushexpiredtokens']);
    assert.equal(again.stdout, 'Deleted 0 expired tokens; ended 0 timed-out sessions.\n');
  });
  test('ends the sessions that went idle unnoticed, and says how many', async () => {
    const cwd = freshFolder();
    const env = { TESSERA_TOKEN_FAMILIES: 'true', TESSERA_SESSION_IDLE_TIMEOUT: '1h', TESSERA_SUPERUSER_PASSWORD: 'another-pass-2' };
    assert.equal((await tessera(cwd, ['migrate'], { env })).code, 0);
    assert.equal((await tessera(cwd, ['createuser', '--username', 'idler', '--no-input'], { env })).code, 0);
    const db = new Database(join(cwd, 'data', 'tessera.sqlite3'));
    try {
      const userId = (db.prepare("SELECT id FROM auth_user WHERE username = 'idler'").get() as { id: number }).id;
      const insert = db.prepare("INSERT INTO tessera_token_family (family, user_id, device_name, user_agent, ip, created_at, last_used_at) VALUES (?, ?, '', '', '', ?, ?)");
      const longAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
      const now = new Date().toISOString();
      insert.run('idle-1', userId, longAgo, longAgo);
      insert.run('live-1', userId, longAgo, now);
    } finally {
      db.close();
    }
    const run = await tessera(cwd, ['flushexpiredtokens'], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Deleted 0 expired tokens; ended 1 timed-out session.\n');
    const check = new Database(join(cwd, 'data', 'tessera.sqlite3'), { readonly: true });
    try {
      assert.deepEqual(check.prepare('SELECT family, revoked_reason FROM tessera_token_family ORDER BY family').all(),
        [{ family: 'idle-1', revoked_reason: 'idle' }, { family: 'live-1', revoked_reason: null }]);
    } finally {
      check.close();
    }
    assert.equal((await tessera(cwd, ['flushexpiredtokens'], { env })).stdout, 'Deleted 0 expired tokens; ended 0 timed-out sessions.\n');
  });
});

describe('token decode', () => {
  // Made when each test runs, so "in N minutes" does not depend on how long the suite took.
  const freshClaims = (expiresIn = 3600) => {
    const now = Math.floor(Date.now() / 1000);
    return { token_type: 'access', exp: now + expiresIn, iat: now, jti: 'a'.repeat(32), user_id: 1 };
  };

  test('prints header, claims, expiry in words, and "valid" for the configured key', async () => {
    const jwt = createSigner({ key: SIGNING_KEY, algorithm: 'HS256' })(freshClaims());
    const run = await tessera(freshFolder(), ['token', 'decode', jwt], { env: { TESSERA_SIGNING_KEY: SIGNING_KEY } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Header: \{"alg":"HS256","typ":"JWT"\}$/m);
    assert.match(run.stdout, /"token_type": "access"/);
    assert.match(run.stdout, /"user_id": 1/);
    assert.match(run.stdout, /^Expiry: \d{4}-\d\d-\d\dT.*\(in (59 minutes|1 hour)\)$/m);
    assert.match(run.stdout, /^Verification: valid\b/m);
  });

  test('"invalid" for a token signed with another key, and exit 1 with one error line', async () => {
    const jwt = createSigner({ key: 'some-other-key-that-is-also-long-enough-xyz', algorithm: 'HS256' })(freshClaims());
    const run = await tessera(freshFolder(), ['token', 'decode', jwt], { env: { TESSERA_SIGNING_KEY: SIGNING_KEY } });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'tessera: error: not a valid token here: bad signature (checked with the HMAC signingKey (HS256))\n');
    assert.match(run.stdout, /^Verification: invalid\b/m);
    assert.doesNotMatch(run.stdout, /^Verification: valid\b/m);
  });

  test('an expired token says how long ago it expired, is invalid, and exits 1', async () => {
    const jwt = createSigner({ key: SIGNING_KEY, algorithm: 'HS256' })({ ...freshClaims(-7200), iat: Math.floor(Date.now() / 1000) - 7300 });
    const run = await tessera(freshFolder(), ['token', 'decode', jwt], { env: { TESSERA_SIGNING_KEY: SIGNING_KEY } });
    assert.equal(run.code, 1);
    assertOneLineError(run, /^tessera: error: not a valid token here: expired \(signature verified with the HMAC signingKey \(HS256\)\)$/);
    assert.match(run.stdout, /^Expiry: .*\(expired 2 hours ago\)$/m);
    assert.match(run.stdout, /^Verification: invalid\b/m);
  });

  test('verifies against the generated key kept in the data folder', async () => {
    const cwd = freshFolder();
    const { resolveSigningKey } = await import('../../src/crypto/index.js');
    const key = resolveSigningKey({ signingKey: '', dataDir: join(cwd, 'data') });
    const jwt = createSigner({ key, algorithm: 'HS256' })(freshClaims());
    const run = await tessera(cwd, ['token', 'decode', jwt]);
    assert.match(run.stdout, /^Verification: valid\b/m);
  });

  test('"not-a-jwt" is a one-line error', async () => {
    const run = await tessera(freshFolder(), ['token', 'decode', 'not-a-jwt']);
    assertOneLineError(run, /^tessera: error: not a JWT/);
    assert.equal(run.stdout, '');
  });

  test('a token whose claims are not an object is a one-line error', async () => {
    const part = (value: string) => Buffer.from(value).toString('base64url');
    const run = await tessera(freshFolder(), ['token', 'decode', `${part('{"alg":"HS256"}')}.${part('123')}.sig`]);
    assertOneLineError(run, /^tessera: error: not a JWT/);
  });

  test('without a JWT it is a usage error', async () => {
    const run = await tessera(freshFolder(), ['token', 'decode']);
    assert.equal(run.code, 2);
    assertOneLineError(run, /usage: tessera token decode JWT/);
  });
});

describe('bad settings stop the CLI with one line naming the variable', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ TESSERA_PORT: 'abc' }, /^tessera: error: TESSERA_PORT: "abc" is not a port; use a whole number from 0 to 65535$/],
    [{ TESSERA_ACCESS_TOKEN_LIFETIME: 'soon' }, /^tessera: error: TESSERA_ACCESS_TOKEN_LIFETIME: "soon" is not a duration; use whole seconds/],
    [{ TESSERA_ACCESS_TOKEN_LIFETIME: '0' }, /^tessera: error: TESSERA_ACCESS_TOKEN_LIFETIME: must be longer than 0 seconds$/],
    [{ TESSERA_SIGNING_KEY: 'too-short' }, /^tessera: error: TESSERA_SIGNING_KEY: an HS256 key must be at least 32 bytes/],
    [{ TESSERA_ROTATE_REFRESH_TOKENS: 'sometimes' }, /^tessera: error: TESSERA_ROTATE_REFRESH_TOKENS: "sometimes" is not a boolean; use true or false$/],
    [{ TESSERA_DATABASE_URL: 'mysql://x' }, /^tessera: error: TESSERA_DATABASE_URL: .*use sqlite:PATH/],
  ];
  for (const [env, pattern] of cases) {
    test(`serve with ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}`, async () => {
      const cwd = freshFolder();
      const run = await tessera(cwd, ['serve'], { env });
      assertOneLineError(run, pattern);
      assert.equal(run.code, 1);
      assert.equal(existsSync(join(cwd, 'data')), false, 'nothing is created before the settings are valid');
    });
  }

  test('an invalid tessera.config.json stops migrate with one line', async () => {
    const cwd = freshFolder();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(cwd, 'tessera.config.json'), '{"port": 8000,');
    const run = await tessera(cwd, ['migrate']);
    assertOneLineError(run, /tessera\.config\.json: is not valid JSON/);
  });
});

describe('serve', () => {
  test('prints the real URL and the first-user hint, answers 401, keeps its data in ./data, and stops on SIGTERM', async () => {
    const cwd = freshFolder();
    const child = start(cwd, ['serve'], { TESSERA_PORT: '0', TESSERA_LOG_LEVEL: 'warn' });
    let stdout = '';
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const match = /tessera is serving http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
        if (match && /No users yet/.test(stdout)) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${stdout}\n${stderr}`)));
    });
    assert.notEqual(port, 0);
    assert.match(stdout, /createsuperuser --username/);
    assert.doesNotMatch(stdout, /TESSERA_ALLOWED_HOSTS/, 'listening on 127.0.0.1 needs no allowedHosts notice');

    const response = await fetch(`http://127.0.0.1:${port}/api/user/`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.deepEqual(await response.json(), { detail: 'Authentication credentials were not provided.' });

    assert.ok(existsSync(join(cwd, 'data', 'tessera.sqlite3')));
    const keyPath = join(cwd, 'data', 'signing.key');
    assert.match(readFileSync(keyPath, 'utf8').trim(), /^[0-9a-f]{128}$/);
    assert.equal(statSync(keyPath).mode & 0o777, 0o600);

    child.kill('SIGTERM');
    const { code, signal } = await exited;
    assert.equal(signal, null);
    assert.equal(code, 0);
    assert.doesNotMatch(stderr, /^\s+at /m);
  });

  test('with a user, serve does not print the first-user hint', async () => {
    const cwd = freshFolder();
    const created = await tessera(cwd, ['createuser', '--username', 'someone', '--no-input'], { env: { TESSERA_SUPERUSER_PASSWORD: 'someone-pass-1' } });
    assert.equal(created.code, 0, created.stderr);
    const child = start(cwd, ['serve'], { TESSERA_PORT: '0', TESSERA_LOG_LEVEL: 'warn' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (/tessera is serving http:\/\/127\.0\.0\.1:\d+\/.*\n/.test(stdout)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.doesNotMatch(stdout, /No users yet/);
  });

  test('listening on 0.0.0.0 with the default allowedHosts says which hosts are answered and how to add others', { timeout: 30_000 }, async () => {
    const child = start(freshFolder(), ['serve'], { TESSERA_HOST: '0.0.0.0', TESSERA_PORT: '0', TESSERA_LOG_LEVEL: 'warn' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stdout = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const match = /tessera is serving http:\/\/[^/]+:(\d+)\//.exec(stdout);
        if (match && /No users yet/.test(stdout)) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${stdout}`)));
    });
    assert.match(
      stdout,
      /\nListening on every address, but only requests for 127\.0\.0\.1, localhost, \[::1\] are answered \(others get 400 Bad Request\): set TESSERA_ALLOWED_HOSTS to the names clients use\.\n/,
    );
    assert.equal((await fetch(`http://127.0.0.1:${port}/health/`)).status, 200);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  test('a port already in use is a one-line error', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const run = await tessera(freshFolder(), ['serve'], { env: { TESSERA_PORT: String(port), TESSERA_LOG_LEVEL: 'silent' } });
      assertOneLineError(run, /^tessera: error: .*EADDRINUSE/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
