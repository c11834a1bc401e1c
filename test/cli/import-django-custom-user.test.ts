/**
 * `tessera import-django` from a Django project whose AUTH_USER_MODEL is `accounts.User`
 * (AbstractBaseUser + PermissionsMixin, `email` as USERNAME_FIELD, columns of its own), made by
 * Debian's Django (test/fixtures/make_django_custom_user_db.py) on SQLite and PostgreSQL: users,
 * their own columns as user fields, groups and permissions, checked against Django's own
 * `get_all_permissions`; logins with the old password; `roles`/`permissions` claims;
 * `HasPermission` on the imported users; re-runs change nothing.
 *
 * Without Django the suites are skipped with the reason, unless TESSERA_REQUIRE_PEER=1 (CI).
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { createTessera, loadSettings, type Tessera } from '../../src/index.js';
import { HasPermission, tessera as tesseraPlugin } from '../../src/http/index.js';
import { asTarget, importFromDjango, openDjangoSource } from '../../src/migration-from-django/index.js';
import { openStore } from '../../src/store/index.js';
import { createTestDatabase } from '../support/database.js';
import { decodeJwt, readAnswer } from '../support/server.js';
import {
  djangoMissing, freshFolder as freshFolderNamed, makeDjangoDatabase as makeDjango, run, skipOrFail, snapshotTables, tesseraIn,
} from '../support/django.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/make_django_custom_user_db.py', import.meta.url));
const SECRET_KEY = 'import-django-custom-user-secret-key-0123456789-abcdefghijklmnop';
const TABLES = [
  'auth_user', 'tessera_user_fields', 'auth_group', 'auth_permission', 'auth_group_permissions', 'auth_user_groups',
  'auth_user_user_permissions', 'token_blacklist_outstandingtoken',
] as const;

interface DjangoUser {
  id: number;
  email: string;
  password: string;
  encoded: string;
  is_active: boolean;
  is_staff: boolean;
  is_superuser: boolean;
  groups: string[];
  permissions: string[];
}

/** What make_django_custom_user_db.py prints. */
interface Summary {
  django: string;
  users: DjangoUser[];
  all_permissions: string[];
  refresh: { token: string; jti: string; user_id: number };
}

const freshFolder = () => freshFolderNamed('tessera-import-custom-');
const tessera = (cwd: string, args: string[]) => tesseraIn(cwd, args, SECRET_KEY);
const makeDjangoDatabase = (url: string) => makeDjango<Summary>(FIXTURE, url, SECRET_KEY);
const snapshot = (path: string) => snapshotTables(path, TABLES);
const DJANGO_PACKAGES = ['python3-django', 'python3-djangorestframework', 'python3-djangorestframework-simplejwt'];

function countsLine(table: string, inDjango: number, inserted: number, updated: number, unchanged: number, dryRun = false): RegExp {
  const [insert, update] = dryRun ? ['to insert', 'to update'] : ['inserted', 'updated'];
  return new RegExp(`^  ${table} +${inDjango} in Django: ${inserted} ${insert}, ${updated} ${update}, ${unchanged} unchanged$`, 'm');
}

/** A core on an imported database, as an application opens it. */
function coreOn(databaseUrl: string, permissionClaims = false): Tessera {
  const dir = freshFolder();
  return createTessera({ settings: loadSettings({ cwd: dir, overrides: { databaseUrl, dataDir: dir, signingKey: SECRET_KEY, permissionClaims } }) });
}

/** Each user's groups and permissions in tessera are Django's (its `get_all_permissions`; every permission for the superuser). */
async function assertPermissionsAsDjango(core: Tessera, summary: Summary): Promise<void> {
  for (const django of summary.users) {
    const user = (await core.store.users.findById(django.id))!;
    assert.equal(user.username, django.email, 'the USERNAME_FIELD (email) is the username');
    assert.deepEqual(await core.permissions.groupsOf(user.id), django.groups, django.email);
    assert.deepEqual(await core.permissions.permissionsOf(user), django.permissions, django.email);
  }
  assert.deepEqual((await core.permissions.listPermissions()).map((p) => p.permission), summary.all_permissions);
}

/** Logs in with the old password, reads the claims, refreshes Django's own token, and calls a HasPermission route. */
async function assertLoginsClaimsAndHasPermission(databaseUrl: string, summary: Summary): Promise<void> {
  const core = coreOn(databaseUrl, true);
  await core.migrate();
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  await app.register(tesseraPlugin, { tessera: core });
  app.get('/notes/edit/', { config: { permission: HasPermission('notes.change_note') } }, async (request) => ({ ok: request.user!.username }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const post = async (path: string, body: unknown) =>
      readAnswer(await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }));
    const edit = async (access: string) => readAnswer(await fetch(`${url}/notes/edit/`, { headers: { authorization: `Bearer ${access}` } }));
    for (const django of summary.users) {
      // Until loginField lands the username is the email: log in with it.
      const answer = await post('/api/token/', { username: django.email, password: django.password });
      if (!django.is_active) {
        assert.equal(answer.status, 401, `${django.email} is inactive`);
        continue;
      }
      assert.equal(answer.status, 200, `${django.email}: ${answer.text}`);
      const { claims } = decodeJwt(answer.json.access);
      assert.deepEqual(claims.roles, django.groups, django.email);
      assert.deepEqual(claims.permissions, django.is_superuser ? summary.all_permissions : django.permissions, django.email);
      const allowed = django.is_superuser || django.permissions.includes('notes.change_note');
      const route = await edit(answer.json.access);
      assert.equal(route.status, allowed ? 200 : 403, `${django.email}: ${route.text}`);
      if (!allowed) assert.deepEqual(route.json, { detail: 'You do not have permission to perform this action.' });
      assert.equal((await post('/api/token/', { username: django.email, password: `${django.password}-wrong` })).status, 401);
    }
    // The refresh token Django issued refreshes here, and the new access token has the claims.
    const refreshed = await post('/api/token/refresh/', { refresh: summary.refresh.token });
    assert.equal(refreshed.status, 200, refreshed.text);
    const ann = summary.users.find((u) => u.id === summary.refresh.user_id)!;
    assert.deepEqual(decodeJwt(refreshed.json.access).claims.permissions, ann.permissions);
  } finally {
    await app.close();
    await core.close();
  }
}

describe('import-django from a SQLite database whose AUTH_USER_MODEL is accounts.User', () => {
  let skipReason: string | undefined;
  let summary: Summary;
  let djangoPath: string;
  let cwd: string;
  let tesseraPath: string;

  before(async () => {
    const missing = await djangoMissing(['django', 'rest_framework', 'rest_framework_simplejwt'], DJANGO_PACKAGES);
    if (missing) {
      skipReason = skipOrFail('import-django of a custom user model from SQLite', missing);
      return;
    }
    djangoPath = join(freshFolder(), 'django.sqlite3');
    summary = await makeDjangoDatabase(`sqlite:${djangoPath}`);
    cwd = freshFolder();
    tesseraPath = join(cwd, 'tessera.sqlite3');
  });

  const skipped = (t: TestContext): boolean => {
    if (skipReason === undefined) return false;
    t.skip(skipReason);
    return true;
  };

  test('--dry-run finds the one custom user model by itself, says where each column comes from, and writes nothing', async (t) => {
    if (skipped(t)) return;
    const result = await tessera(cwd, ['import-django', `sqlite:${djangoPath}`, '--dry-run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, countsLine('auth_user', 4, 4, 0, 0, true));
    assert.match(result.stdout, countsLine('tessera_user_fields', 4, 4, 0, 0, true));
    assert.match(result.stdout, countsLine('auth_group', 3, 3, 0, 0, true));
    assert.match(result.stdout, countsLine('auth_permission', summary.all_permissions.length, summary.all_permissions.length, 0, 0, true));
    assert.match(result.stdout, countsLine('auth_user_groups', 2, 2, 0, 0, true));
    assert.match(result.stdout, /^  note: users from accounts_user; username from email; Django's defaults for first_name, last_name; kept as user fields: full_name, department, phone, birth_date, newsletter, score$/m);
    assert.equal(existsSync(tesseraPath), false);
  });

  test('a wrong --user-model, and a model without the column named as USERNAME_FIELD, are one-line errors', async (t) => {
    if (skipped(t)) return;
    const wrong = await tessera(cwd, ['import-django', `sqlite:${djangoPath}`, '--user-model', 'accounts.Member']);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /^tessera: error: Django's SQLite database .* has no accounts_member table for the user model accounts\.Member \(--user-table names another\)\n$/);
    const badLabel = await tessera(cwd, ['import-django', `sqlite:${djangoPath}`, '--user-model', 'accounts']);
    assert.match(badLabel.stderr, /--user-model "accounts": write it as Django's AUTH_USER_MODEL, app_label\.ModelName/);
    const field = await tessera(cwd, ['import-django', `sqlite:${djangoPath}`, '--user-model', 'accounts.User', '--username-field', 'nickname']);
    assert.match(field.stderr, /--username-field "nickname": the accounts_user table has no such column/);
    assert.equal(existsSync(tesseraPath), false);
  });

  test('--user-model accounts.User imports users, their own columns, groups and permissions as Django has them', async (t) => {
    if (skipped(t)) return;
    const result = await tessera(cwd, ['import-django', djangoPath, '--user-model', 'accounts.User']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, countsLine('auth_user', 4, 4, 0, 0));
    assert.match(result.stdout, countsLine('auth_group_permissions', 3, 3, 0, 0));
    assert.match(result.stdout, countsLine('auth_user_user_permissions', 1, 1, 0, 0));
    assert.match(result.stdout, /users from accounts_user \(accounts\.User\); username from email/);

    const db = new Database(tesseraPath, { readonly: true });
    try {
      for (const django of summary.users) {
        const row = db.prepare('SELECT * FROM auth_user WHERE id = ?').get(django.id) as Record<string, unknown>;
        assert.deepEqual(
          [row.username, row.email, row.password, row.first_name, row.last_name, row.is_active, row.is_staff, row.is_superuser],
          [django.email, django.email, django.encoded, '', '', Number(django.is_active), Number(django.is_staff), Number(django.is_superuser)],
        );
      }
      const ann = db.prepare("SELECT last_login, date_joined FROM auth_user WHERE username = 'ann@example.com'").get();
      assert.deepEqual(ann, { last_login: '2024-03-04T05:06:07.891Z', date_joined: '2023-01-02T03:04:05.678Z' });
    } finally {
      db.close();
    }
    const core = coreOn(`sqlite:${tesseraPath}`);
    try {
      const ann = summary.users.find((u) => u.email === 'ann@example.com')!;
      const fields = await core.permissions.fieldsOf(ann.id);
      // SQLite keeps Django's decimal as a number: 12.50 reads back as 12.5 (PostgreSQL keeps "12.50").
      assert.deepEqual(fields, {
        full_name: 'Ann Ünïcode', department: 'Sales', phone: '+44 20 7946 0018', birth_date: '1990-05-17', newsletter: true, score: '12.5',
      });
      assert.deepEqual((await core.permissions.fieldsOf(summary.users[1]!.id)).department, 'Support');
      await assertPermissionsAsDjango(core, summary);
    } finally {
      await core.close();
    }
  });

  test('re-running the import changes nothing', async (t) => {
    if (skipped(t)) return;
    const before = snapshot(tesseraPath);
    const result = await tessera(cwd, ['import-django', `sqlite:${djangoPath}`, '--user-model', 'accounts.User']);
    assert.equal(result.code, 0, result.stderr);
    for (const [table, n] of [['auth_user', 4], ['tessera_user_fields', 4], ['auth_group', 3], ['auth_user_groups', 2], ['auth_user_user_permissions', 1]] as const) {
      assert.match(result.stdout, countsLine(table, n, 0, 0, n));
    }
    assert.deepEqual(snapshot(tesseraPath), before);
  });

  test('users log in with the old password (email as username); claims and HasPermission follow Django\'s permissions', async (t) => {
    if (skipped(t)) return;
    await assertLoginsClaimsAndHasPermission(`sqlite:${tesseraPath}`, summary);
  });

  test('changes made in Django (groups, permissions, columns) are carried over by the next import, removals included', async (t) => {
    if (skipped(t)) return;
    const ann = summary.users.find((u) => u.email === 'ann@example.com')!;
    const bob = summary.users.find((u) => u.email === 'bob@example.com')!;
    const django = new Database(djangoPath);
    django.prepare('DELETE FROM accounts_user_groups WHERE user_id = ?').run(ann.id);
    django.prepare("INSERT INTO accounts_user_groups (user_id, group_id) SELECT ?, id FROM auth_group WHERE name = 'publishers'").run(ann.id);
    django.prepare('DELETE FROM accounts_user_user_permissions WHERE user_id = ?').run(bob.id);
    django.prepare("UPDATE accounts_user SET department = 'Marketing' WHERE id = ?").run(ann.id);
    django.close();
    const result = await tessera(cwd, ['import-django', `sqlite:${djangoPath}`, '--user-model', 'accounts.User']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, countsLine('tessera_user_fields', 4, 0, 1, 3));
    assert.match(result.stdout, countsLine('auth_user_groups', 2, 1, 0, 1));
    assert.match(result.stdout, countsLine('auth_user_user_permissions', 0, 0, 0, 0));
    assert.match(result.stdout, /^  note: 1 auth_user_groups row tessera has and Django no longer has was removed$/m);
    assert.match(result.stdout, /^  note: 1 auth_user_user_permissions row tessera has and Django no longer has was removed$/m);
    const core = coreOn(`sqlite:${tesseraPath}`);
    try {
      assert.deepEqual(await core.permissions.groupsOf(ann.id), ['publishers']);
      assert.deepEqual(await core.permissions.permissionsOf((await core.store.users.findById(ann.id))!), ['notes.publish_note']);
      assert.deepEqual(await core.permissions.permissionsOf((await core.store.users.findById(bob.id))!), []);
      assert.equal((await core.permissions.fieldsOf(ann.id)).department, 'Marketing');
    } finally {
      await core.close();
    }
  });

  test('imported through the library into the run\'s engine (SQLite or PostgreSQL): the same, and idempotent', async (t) => {
    if (skipped(t)) return;
    const fresh = join(freshFolder(), 'django.sqlite3');
    const original = await makeDjangoDatabase(`sqlite:${fresh}`);
    const target = await createTestDatabase(freshFolder());
    const store = openStore(target.url);
    await store.migrate();
    const source = await openDjangoSource(fresh);
    try {
      const first = await importFromDjango(source, asTarget(store.database.db), { userModel: 'accounts.User' });
      assert.deepEqual(first.tables.filter((r) => r.skipped === null).map((r) => [r.table, r.inserted]), [
        ['auth_user', 4], ['token_blacklist_outstandingtoken', 1], ['token_blacklist_blacklistedtoken', 0], ['tessera_user_fields', 4],
        ['auth_permission', original.all_permissions.length], ['auth_group', 3], ['auth_group_permissions', 3], ['auth_user_groups', 2],
        ['auth_user_user_permissions', 1],
      ]);
      const again = await importFromDjango(source, asTarget(store.database.db), { userModel: 'accounts.User' });
      assert.deepEqual(again.tables.map((r) => r.inserted + r.updated), again.tables.map(() => 0));
      const core = coreOn(target.url);
      try {
        await assertPermissionsAsDjango(core, original);
      } finally {
        await core.close();
      }
    } finally {
      await source.close();
      await store.close();
      await target.drop();
    }
  });
});

describe('import-django from a PostgreSQL database whose AUTH_USER_MODEL is accounts.User', () => {
  const database = `tessera_import_custom_${process.pid}_${Date.now()}`;
  const url = `postgres://postgres@127.0.0.1:5432/${database}`;
  let created = false;
  let skipReason: string | undefined;
  let summary: Summary;

  before(async () => {
    const missing = await djangoMissing(['django', 'rest_framework', 'rest_framework_simplejwt', 'psycopg2'], [...DJANGO_PACKAGES, 'python3-psycopg2']);
    if (missing) {
      skipReason = skipOrFail('import-django of a custom user model from PostgreSQL', missing);
      return;
    }
    const made = await run('createdb', ['-h', '127.0.0.1', '-U', 'postgres', database]);
    if (made.code !== 0) {
      skipReason = `PostgreSQL at 127.0.0.1:5432 (user postgres) is not available: ${made.stderr.trim() || `createdb exited ${made.code}`}`;
      console.log(`# import-django of a custom user model from PostgreSQL skipped: ${skipReason}`);
      return;
    }
    created = true;
    summary = await makeDjangoDatabase(url);
  });

  after(async () => {
    if (created) await run('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--if-exists', database]);
  });

  test('imports users, fields (PostgreSQL\'s types), groups and permissions; logins, claims and HasPermission; re-run changes nothing', async (t) => {
    if (skipReason !== undefined) {
      t.skip(skipReason);
      return;
    }
    const cwd = freshFolder();
    const tesseraPath = join(cwd, 'tessera.sqlite3');
    const result = await tessera(cwd, ['import-django', url, '--user-model', 'accounts.User']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, countsLine('auth_user', 4, 4, 0, 0));
    assert.match(result.stdout, countsLine('auth_user_groups', 2, 2, 0, 0));
    const core = coreOn(`sqlite:${tesseraPath}`);
    try {
      const ann = summary.users.find((u) => u.email === 'ann@example.com')!;
      assert.deepEqual(await core.permissions.fieldsOf(ann.id), {
        full_name: 'Ann Ünïcode', department: 'Sales', phone: '+44 20 7946 0018', birth_date: '1990-05-17', newsletter: true, score: '12.50',
      });
      await assertPermissionsAsDjango(core, summary);
    } finally {
      await core.close();
    }
    const before = snapshot(tesseraPath);
    const again = await tessera(cwd, ['import-django', url, '--user-model', 'accounts.User']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, countsLine('tessera_user_fields', 4, 0, 0, 4));
    assert.deepEqual(snapshot(tesseraPath), before);
    await assertLoginsClaimsAndHasPermission(`sqlite:${tesseraPath}`, summary);
  });
});
