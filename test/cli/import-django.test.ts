/**
 * `tessera import-django` against Django databases made by Django itself (Debian's python3-django,
 * -djangorestframework, -djangorestframework-simplejwt; test/fixtures/make_django_db.py), SQLite
 * and PostgreSQL, then tessera's real server logs every user in with the old password.
 *
 * Without Django the Django suites are skipped with the reason, unless TESSERA_REQUIRE_PEER=1 (CI),
 * which fails them. The PostgreSQL suite also needs python3-psycopg2 and PostgreSQL on 127.0.0.1.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startServer } from '../support/server.js';
import {
  djangoMissing, freshFolder as freshFolderNamed, makeDjangoDatabase as makeDjango, run, skipOrFail, tesseraIn, type Run,
} from '../support/django.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/make_django_db.py', import.meta.url));
/** Django's SECRET_KEY / SIMPLE_JWT SIGNING_KEY, and tessera's signing key for the login checks. */
const SECRET_KEY = 'import-django-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const DJANGO_PACKAGES = ['python3-django', 'python3-djangorestframework', 'python3-djangorestframework-simplejwt'];
const TABLES = ['auth_user', 'token_blacklist_outstandingtoken', 'token_blacklist_blacklistedtoken', 'authtoken_token'] as const;

const freshFolder = () => freshFolderNamed('tessera-import-django-');
const tessera = (cwd: string, args: string[], env: Record<string, string> = {}) => tesseraIn(cwd, args, SECRET_KEY, env);

function assertOneLineError(result: Run, pattern: RegExp): void {
  assert.notEqual(result.code, 0, `expected a failure, got ${result.code}: ${result.stdout}`);
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0]!, pattern);
}

/** Every row of the tables the import writes, plus the id sequence: "nothing changed" is equality. */
function snapshot(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables: Record<string, unknown[]> = {};
    for (const table of TABLES) tables[table] = db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all();
    tables.sqlite_sequence = db.prepare('SELECT * FROM sqlite_sequence ORDER BY name').all();
    return tables;
  } finally {
    db.close();
  }
}

/** What make_django_db.py prints. */
interface DjangoSummary {
  django: string;
  hashers: string[];
  users: { id: number; username: string; password: string; hasher: string; encoded: string; is_active: boolean; is_staff: boolean; is_superuser: boolean }[];
  deleted_user_id: number;
  outstanding: { jti: string; token: string; user_id: number }[];
  blacklisted: { jti: string; token: string; user_id: number }[];
  keys: { key: string; user_id: number }[];
  admin: { last_login: string; date_joined: string };
}

const makeDjangoDatabase = (url: string) => makeDjango<DjangoSummary>(FIXTURE, url, SECRET_KEY);

/** Logs every user in through tessera's real server on the imported database, then checks the tokens. */
async function assertUsersLogIn(databasePath: string, summary: DjangoSummary): Promise<void> {
  const server = await startServer({ databaseUrl: `sqlite:${databasePath}`, signingKey: SECRET_KEY });
  // Django minted the refresh tokens at the real time; the test clock must not be before them.
  server.clock.now = Date.now();
  try {
    for (const user of summary.users) {
      const answer = await server.post('/api/token/', { username: user.username, password: user.password });
      if (user.is_active) {
        assert.equal(answer.status, 200, `${user.username} (${user.hasher}): ${answer.text}`);
        assert.equal(typeof answer.json.access, 'string');
        const me = await server.get('/api/user/', { authorization: `Bearer ${answer.json.access}` });
        assert.deepEqual(me.json, { id: user.id, username: user.username });
      } else {
        assert.equal(answer.status, 401, `${user.username} is inactive: ${answer.text}`);
        assert.equal(answer.json.detail, 'No active account found with the given credentials');
      }
      const wrong = await server.post('/api/token/', { username: user.username, password: `${user.password}-wrong` });
      assert.equal(wrong.status, 401);
    }
    const blacklisted = await server.post('/api/token/refresh/', { refresh: summary.blacklisted[0]!.token });
    assert.equal(blacklisted.status, 401, blacklisted.text);
    assert.deepEqual(blacklisted.json, { detail: 'Token is blacklisted', code: 'token_not_valid' });
    for (const token of summary.outstanding) {
      const refreshed = await server.post('/api/token/refresh/', { refresh: token.token });
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.equal(typeof refreshed.json.access, 'string');
    }
  } finally {
    await server.close();
  }
}

/** Checks every imported row against what Django wrote. */
function assertImportedAsDjangoWrote(tesseraPath: string, summary: DjangoSummary): void {
  const db = new Database(tesseraPath, { readonly: true });
  try {
    for (const user of summary.users) {
      const row = db.prepare('SELECT * FROM auth_user WHERE id = ?').get(user.id) as Record<string, unknown> | undefined;
      assert.ok(row, `user ${user.id} imported`);
      assert.equal(row.username, user.username);
      assert.equal(row.password, user.encoded, `${user.username}'s hash is copied exactly`);
      assert.equal(row.email, `${user.username}@example.com`);
      assert.equal(row.is_active, user.is_active ? 1 : 0);
      assert.equal(row.is_staff, user.is_staff ? 1 : 0);
      assert.equal(row.is_superuser, user.is_superuser ? 1 : 0);
      assert.match(String(row.date_joined), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    const admin = db.prepare("SELECT last_login, date_joined, first_name FROM auth_user WHERE username = 'admin'").get() as Record<string, unknown>;
    assert.deepEqual({ last_login: admin.last_login, date_joined: admin.date_joined }, summary.admin);
    const unicode = db.prepare(`SELECT first_name FROM auth_user WHERE id = ?`).get(summary.users[0]!.id) as { first_name: string };
    assert.equal(unicode.first_name, 'Ünïcode');
    const count = (sqlText: string) => (db.prepare(sqlText).get() as { n: number }).n;
    assert.equal(count('SELECT count(*) AS n FROM auth_user'), summary.users.length);

    const tokens = db.prepare('SELECT jti, token, user_id FROM token_blacklist_outstandingtoken ORDER BY id').all();
    assert.deepEqual(
      new Set(tokens.map((t) => JSON.stringify(t))),
      new Set([...summary.outstanding, ...summary.blacklisted].map((t) => JSON.stringify({ jti: t.jti, token: t.token, user_id: t.user_id }))),
    );
    const blacklisted = db
      .prepare('SELECT o.jti AS jti FROM token_blacklist_blacklistedtoken b JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id')
      .all() as { jti: string }[];
    assert.deepEqual(blacklisted.map((b) => b.jti), summary.blacklisted.map((b) => b.jti));
    const keys = db.prepare('SELECT key, user_id FROM authtoken_token ORDER BY user_id').all();
    assert.deepEqual(keys, [...summary.keys].sort((a, b) => a.user_id - b.user_id));
  } finally {
    db.close();
  }
}

function countsLine(table: string, inDjango: number, inserted: number, updated: number, unchanged: number, dryRun = false): RegExp {
  const [insert, update] = dryRun ? ['to insert', 'to update'] : ['inserted', 'updated'];
  return new RegExp(`^  ${table} +${inDjango} in Django: ${inserted} ${insert}, ${updated} ${update}, ${unchanged} unchanged$`, 'm');
}

describe('import-django: errors that need no Django', () => {
  test('an unsupported URL scheme is a one-line error, and nothing is created', async () => {
    const cwd = freshFolder();
    const result = await tessera(cwd, ['import-django', 'mysql://root@127.0.0.1/app']);
    assertOneLineError(result, /^tessera: error: unsupported database URL scheme "mysql:"; import-django reads sqlite:PATH and postgres:\/\/ URLs$/);
    assert.equal(existsSync(join(cwd, 'tessera.sqlite3')), false);
  });

  test('an SQLite file that is not Django\'s is a one-line error, and nothing is created', async () => {
    const cwd = freshFolder();
    const other = new Database(join(cwd, 'other.sqlite3'));
    other.exec('CREATE TABLE notes (id integer primary key, body text)');
    other.close();
    const result = await tessera(cwd, ['import-django', `sqlite:${join(cwd, 'other.sqlite3')}`]);
    assertOneLineError(result, /^tessera: error: Django's SQLite database .*other\.sqlite3 is not a Django database with django\.contrib\.auth: it has no auth_user table/);
    assert.equal(existsSync(join(cwd, 'tessera.sqlite3')), false);
  });

  test('an auth_user without Django\'s columns is a one-line error naming them', async () => {
    const cwd = freshFolder();
    const other = new Database(join(cwd, 'other.db'));
    other.exec('CREATE TABLE auth_user (id integer primary key, username text, password text)');
    other.close();
    const result = await tessera(cwd, ['import-django', join(cwd, 'other.db')]);
    assertOneLineError(result, /its auth_user table has no last_login, is_superuser, first_name, last_name, email, is_staff, is_active, date_joined columns$/);
  });

  test('a file that is not SQLite, and a missing file, are one-line errors', async () => {
    const cwd = freshFolder();
    writeFileSync(join(cwd, 'text.sqlite3'), 'just some text, certainly not a database header\n'.repeat(20));
    assertOneLineError(await tessera(cwd, ['import-django', join(cwd, 'text.sqlite3')]), /the file is not an SQLite database$/);
    assertOneLineError(await tessera(cwd, ['import-django', `sqlite:${join(cwd, 'missing.sqlite3')}`]), /no such file/);
  });

  test('an unreachable PostgreSQL is a one-line error that does not show the password', async () => {
    const cwd = freshFolder();
    // Port 1 on localhost: nothing listens there.
    const result = await tessera(cwd, ['import-django', 'postgres://app:hunter2@127.0.0.1:1/app']);
    assertOneLineError(result, /^tessera: error: cannot connect to PostgreSQL at postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/app: /);
    assert.ok(!result.stderr.includes('hunter2'));
  });

  test('no URL is a usage error', async () => {
    const result = await tessera(freshFolder(), ['import-django']);
    assert.equal(result.code, 2);
    assertOneLineError(result, /usage: tessera import-django DATABASE_URL \[--dry-run\]/);
  });
});

describe('import-django from a SQLite database made by Django', () => {
  let skipReason: string | undefined;
  let summary: DjangoSummary;
  let djangoPath: string;
  let cwd: string;
  let tesseraPath: string;

  before(async () => {
    const missing = await djangoMissing(['django', 'rest_framework', 'rest_framework_simplejwt'], DJANGO_PACKAGES);
    if (missing) {
      skipReason = skipOrFail('import-django from SQLite', missing);
      return;
    }
    const dir = freshFolder();
    djangoPath = join(dir, 'django.sqlite3');
    summary = await makeDjangoDatabase(`sqlite:${djangoPath}`);
    cwd = freshFolder();
    tesseraPath = join(cwd, 'tessera.sqlite3');
  });

  const skipped = (t: TestContext): boolean => {
    if (skipReason === undefined) return false;
    t.skip(skipReason);
    return true;
  };

  test('Django made users with each of its hashers', (t) => {
    if (skipped(t)) return;
    for (const hasher of ['pbkdf2_sha256', 'pbkdf2_sha1', 'md5']) assert.ok(summary.hashers.includes(hasher), hasher);
    for (const user of summary.users) assert.ok(user.encoded.startsWith(`${user.hasher}$`), user.encoded);
    if (!summary.hashers.includes('argon2') || !summary.hashers.includes('bcrypt_sha256')) {
      console.log(`# Django here hashes with ${summary.hashers.join(', ')} only (python3-argon2 / python3-bcrypt add the others)`);
    }
  });

  test('--dry-run prints the counts and writes nothing, not even tessera\'s database', async (t) => {
    if (skipped(t)) return;
    const result = await tessera(cwd, ['import-django', `sqlite:${djangoPath}`, '--dry-run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Dry run, nothing was written\./);
    const users = summary.users.length;
    const tokens = summary.outstanding.length + summary.blacklisted.length;
    assert.match(result.stdout, countsLine('auth_user', users, users, 0, 0, true));
    assert.match(result.stdout, countsLine('token_blacklist_outstandingtoken', tokens, tokens, 0, 0, true));
    assert.match(result.stdout, countsLine('token_blacklist_blacklistedtoken', 1, 1, 0, 0, true));
    assert.match(result.stdout, countsLine('authtoken_token', summary.keys.length, summary.keys.length, 0, 0, true));
    assert.equal(result.stderr, '', 'no progress bar when stderr is not a terminal');
    assert.equal(existsSync(tesseraPath), false);
  });

  test('the import copies users, hashes, flags, dates, tokens and keys', async (t) => {
    if (skipped(t)) return;
    const result = await tessera(cwd, ['import-django', djangoPath]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const users = summary.users.length;
    const tokens = summary.outstanding.length + summary.blacklisted.length;
    assert.match(result.stdout, /^Imported from Django's SQLite database /);
    assert.match(result.stdout, countsLine('auth_user', users, users, 0, 0));
    assert.match(result.stdout, countsLine('token_blacklist_outstandingtoken', tokens, tokens, 0, 0));
    assert.match(result.stdout, countsLine('token_blacklist_blacklistedtoken', 1, 1, 0, 0));
    assert.match(result.stdout, countsLine('authtoken_token', summary.keys.length, summary.keys.length, 0, 0));
    assert.match(result.stdout, new RegExp(`New tessera users get ids from ${summary.deleted_user_id + 1},`));
    assertImportedAsDjangoWrote(tesseraPath, summary);
  });

  test('re-running the import changes nothing', async (t) => {
    if (skipped(t)) return;
    const before = snapshot(tesseraPath);
    const result = await tessera(cwd, ['import-django', `sqlite:${djangoPath}`]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, countsLine('auth_user', summary.users.length, 0, 0, summary.users.length));
    assert.match(result.stdout, countsLine('token_blacklist_blacklistedtoken', 1, 0, 0, 1));
    assert.deepEqual(snapshot(tesseraPath), before);
  });

  test('--dry-run on the imported database plans nothing and writes nothing', async (t) => {
    if (skipped(t)) return;
    const before = snapshot(tesseraPath);
    const result = await tessera(cwd, ['import-django', `sqlite:${djangoPath}`, '--dry-run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, countsLine('auth_user', summary.users.length, 0, 0, summary.users.length, true));
    assert.deepEqual(snapshot(tesseraPath), before);
  });

  test('a change made in Django is carried over by the next import', async (t) => {
    if (skipped(t)) return;
    const staffer = summary.users.find((u) => u.username === 'staffer')!;
    const django = new Database(djangoPath);
    django.prepare("UPDATE auth_user SET email = 'moved@example.com' WHERE id = ?").run(staffer.id);
    django.close();
    try {
      const result = await tessera(cwd, ['import-django', `sqlite:${djangoPath}`]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, countsLine('auth_user', summary.users.length, 0, 1, summary.users.length - 1));
      const db = new Database(tesseraPath, { readonly: true });
      assert.equal((db.prepare('SELECT email FROM auth_user WHERE id = ?').get(staffer.id) as { email: string }).email, 'moved@example.com');
      db.close();
    } finally {
      const restore = new Database(djangoPath);
      restore.prepare('UPDATE auth_user SET email = ? WHERE id = ?').run(`${staffer.username}@example.com`, staffer.id);
      restore.close();
    }
  });

  test('every user logs in through tessera with the old password; blacklisted stays blacklisted', async (t) => {
    if (skipped(t)) return;
    await assertUsersLogIn(tesseraPath, summary);
  });

  test('a user created in tessera afterwards gets an id past every id Django used', async (t) => {
    if (skipped(t)) return;
    const result = await tessera(cwd, ['createuser', '--username', 'newcomer', '--email', 'n@example.com', '--no-input'], {
      TESSERA_SUPERUSER_PASSWORD: 'newcomer-pass-1',
    });
    assert.equal(result.code, 0, result.stderr);
    const db = new Database(tesseraPath, { readonly: true });
    const row = db.prepare("SELECT id FROM auth_user WHERE username = 'newcomer'").get() as { id: number };
    db.close();
    // Django deleted a user after the others; its id is not handed out again.
    assert.equal(row.id, summary.deleted_user_id + 1);
  });

  test('users tessera has under other ids stop the import before anything is written', async (t) => {
    if (skipped(t)) return;
    const other = freshFolder();
    const created = await tessera(other, ['createsuperuser', '--username', 'admin', '--email', 'a@example.com', '--no-input'], {
      TESSERA_SUPERUSER_PASSWORD: 'tessera-admin-1',
    });
    assert.equal(created.code, 0, created.stderr);
    const before = snapshot(join(other, 'tessera.sqlite3'));
    const plan = await tessera(other, ['import-django', `sqlite:${djangoPath}`, '--dry-run']);
    assert.equal(plan.code, 0, plan.stderr);
    const admin = summary.users.find((u) => u.username === 'admin')!;
    assert.match(plan.stdout, new RegExp(`^  conflict: id 1 is "${summary.users[0]!.username}" in Django but "admin" in tessera$`, 'm'));
    assert.match(plan.stdout, new RegExp(`^  conflict: username "admin" is id ${admin.id} in Django but id 1 in tessera$`, 'm'));
    assert.match(plan.stdout, /^The import would stop before writing anything: 2 users clash with tessera's users\.$/m);
    const result = await tessera(other, ['import-django', `sqlite:${djangoPath}`]);
    assertOneLineError(result, /^tessera: error: 2 Django users clash with tessera's users: .*; nothing was imported \(--dry-run lists them all\)$/);
    assert.deepEqual(snapshot(join(other, 'tessera.sqlite3')), before);
  });
});

describe('import-django from a PostgreSQL database made by Django', () => {
  const database = `tessera_import_${process.pid}_${Date.now()}`;
  let created = false;
  let skipReason: string | undefined;
  let summary: DjangoSummary;
  let cwd: string;
  const url = `postgres://postgres@127.0.0.1:5432/${database}`;

  before(async () => {
    const missing = await djangoMissing(
      ['django', 'rest_framework', 'rest_framework_simplejwt', 'psycopg2'],
      [...DJANGO_PACKAGES, 'python3-psycopg2'],
    );
    if (missing) {
      skipReason = skipOrFail('import-django from PostgreSQL', missing);
      return;
    }
    const made = await run('createdb', ['-h', '127.0.0.1', '-U', 'postgres', database]);
    if (made.code !== 0) {
      // PostgreSQL is a service CI starts when present but never requires; say why and skip.
      skipReason = `PostgreSQL at 127.0.0.1:5432 (user postgres) is not available: ${made.stderr.trim() || `createdb exited ${made.code}`}`;
      console.log(`# import-django from PostgreSQL skipped: ${skipReason}`);
      return;
    }
    created = true;
    summary = await makeDjangoDatabase(url);
    cwd = freshFolder();
  });

  after(async () => {
    if (created) await run('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--if-exists', database]);
  });

  const skipped = (t: TestContext): boolean => {
    if (skipReason === undefined) return false;
    t.skip(skipReason);
    return true;
  };

  test('imports, users log in with their old passwords, and re-running changes nothing', async (t) => {
    if (skipped(t)) return;
    const tesseraPath = join(cwd, 'tessera.sqlite3');
    const plan = await tessera(cwd, ['import-django', url, '--dry-run']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /^Dry run, nothing was written\. Importing from Django's PostgreSQL database postgres:\/\/postgres@127\.0\.0\.1:5432\//);
    assert.equal(existsSync(tesseraPath), false);

    const result = await tessera(cwd, ['import-django', url.replace('postgres://', 'postgresql://')]);
    assert.equal(result.code, 0, result.stderr);
    const tokens = summary.outstanding.length + summary.blacklisted.length;
    assert.match(result.stdout, countsLine('auth_user', summary.users.length, summary.users.length, 0, 0));
    assert.match(result.stdout, countsLine('token_blacklist_outstandingtoken', tokens, tokens, 0, 0));
    assert.match(result.stdout, countsLine('authtoken_token', summary.keys.length, summary.keys.length, 0, 0));
    assert.match(result.stdout, new RegExp(`New tessera users get ids from ${summary.deleted_user_id + 1},`));
    assertImportedAsDjangoWrote(tesseraPath, summary);

    const before = snapshot(tesseraPath);
    const again = await tessera(cwd, ['import-django', url]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, countsLine('auth_user', summary.users.length, 0, 0, summary.users.length));
    assert.deepEqual(snapshot(tesseraPath), before);

    await assertUsersLogIn(tesseraPath, summary);
  });
});
