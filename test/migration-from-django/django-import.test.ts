import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  asTarget, DjangoImportError, djangoDateToIso, importFromDjango, openDjangoSource, parseDjangoSourceUrl,
} from '../../src/migration-from-django/index.js';
import { openStore } from '../../src/store/index.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('parseDjangoSourceUrl', () => {
  test('SQLite spellings', () => {
    assert.deepEqual(parseDjangoSourceUrl('sqlite:db.sqlite3'), { kind: 'sqlite', path: 'db.sqlite3' });
    assert.deepEqual(parseDjangoSourceUrl('sqlite:///rel/db.sqlite3'), { kind: 'sqlite', path: 'rel/db.sqlite3' });
    assert.deepEqual(parseDjangoSourceUrl('sqlite:////abs/db.sqlite3'), { kind: 'sqlite', path: '/abs/db.sqlite3' });
    assert.deepEqual(parseDjangoSourceUrl('/srv/app/db.sqlite3'), { kind: 'sqlite', path: '/srv/app/db.sqlite3' });
    assert.deepEqual(parseDjangoSourceUrl('app.db'), { kind: 'sqlite', path: 'app.db' });
  });

  test('PostgreSQL URLs, shown without their password', () => {
    const location = parseDjangoSourceUrl('postgresql://me:s3cret@db.example:5433/app');
    assert.equal(location.kind, 'postgres');
    assert.ok(location.kind === 'postgres' && location.display === 'postgresql://me:***@db.example:5433/app');
    assert.equal(parseDjangoSourceUrl('postgres://me@host/app').kind, 'postgres');
  });

  test('unsupported schemes and bare names are errors naming what is accepted', () => {
    assert.throws(() => parseDjangoSourceUrl('mysql://me@host/app'), (e) => e instanceof DjangoImportError && /unsupported database URL scheme "mysql:"/.test(e.message));
    assert.throws(() => parseDjangoSourceUrl('notes.txt'), (e) => e instanceof DjangoImportError && /not a database URL/.test(e.message));
    assert.throws(() => parseDjangoSourceUrl('postgres://me@host'), (e) => e instanceof DjangoImportError && /names no database/.test(e.message));
    assert.throws(() => parseDjangoSourceUrl('sqlite:'), DjangoImportError);
  });
});

describe('djangoDateToIso', () => {
  test("Django's SQLite text is UTC; microseconds are cut to milliseconds", () => {
    assert.equal(djangoDateToIso('2024-03-04 05:06:07.891234', 'x'), '2024-03-04T05:06:07.891Z');
    assert.equal(djangoDateToIso('2024-03-04 05:06:07', 'x'), '2024-03-04T05:06:07.000Z');
  });

  test("PostgreSQL's timestamptz text, with any offset", () => {
    assert.equal(djangoDateToIso('2024-03-04 05:06:07.5+00', 'x'), '2024-03-04T05:06:07.500Z');
    assert.equal(djangoDateToIso('2024-03-04 05:06:07+05:30', 'x'), '2024-03-03T23:36:07.000Z');
    assert.equal(djangoDateToIso('2024-03-04 05:06:07-08', 'x'), '2024-03-04T13:06:07.000Z');
  });

  test('anything else is an error naming where it was found', () => {
    assert.throws(() => djangoDateToIso('yesterday', 'auth_user id 3, date_joined'), /auth_user id 3, date_joined: "yesterday"/);
  });
});

describe('a Django database without the token apps', () => {
  test('users import; the token tables are skipped with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-django-import-'));
    dirs.push(dir);
    const djangoPath = join(dir, 'django.sqlite3');
    // auth_user as Django 3.2's migrations create it on SQLite (the full suite uses Django itself).
    const django = new Database(djangoPath);
    django.exec(`CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL,
      "last_login" datetime NULL, "is_superuser" bool NOT NULL, "username" varchar(150) NOT NULL UNIQUE,
      "last_name" varchar(150) NOT NULL, "email" varchar(254) NOT NULL, "is_staff" bool NOT NULL, "is_active" bool NOT NULL,
      "date_joined" datetime NOT NULL, "first_name" varchar(150) NOT NULL);
      INSERT INTO auth_user VALUES (4, 'md5$salt$0123', NULL, 0, 'solo', 'Last', 'solo@example.com', 0, 1, '2020-01-02 03:04:05.123456', 'First');
      -- Stored unnormalized (Django before 1.10, or objects.create): imported as it is.
      INSERT INTO auth_user VALUES (5, '!', NULL, 0, '\uFB01sh', '', '', 0, 1, '2020-01-02 03:04:05', '');`);
    django.close();

    const store = openStore(`sqlite:${join(dir, 'tessera.sqlite3')}`);
    await store.migrate();
    const source = await openDjangoSource(djangoPath);
    try {
      const report = await importFromDjango(source, asTarget(store.database.db));
      assert.deepEqual(report.tables.map((t) => [t.table, t.inserted, t.skipped !== null]), [
        ['auth_user', 2, false],
        ['token_blacklist_outstandingtoken', 0, true],
        ['token_blacklist_blacklistedtoken', 0, true],
        ['authtoken_token', 0, true],
        ['auth_permission', 0, true],
        ['auth_group', 0, true],
        ['auth_group_permissions', 0, true],
        ['auth_user_groups', 0, true],
        ['auth_user_user_permissions', 0, true],
      ]);
      assert.match(report.tables[4]!.skipped!, /groups or django\.contrib\.contenttypes are not there/);
      assert.match(report.tables[1]!.skipped!, /token_blacklist is not installed/);
      const user = await store.users.findById(4);
      assert.equal(user?.username, 'solo');
      assert.equal(user?.password, 'md5$salt$0123');
      assert.equal(user?.dateJoined.toISOString(), '2020-01-02T03:04:05.123Z');
      assert.equal((await store.users.findById(5))?.username, '\uFB01sh', 'an unnormalized Django name is imported as it is');
      assert.equal((await store.users.findByUsername('\uFB01sh'))?.id, 5);
      assert.equal(report.nextUserId, 6);
      // A new user gets an id past Django's.
      assert.equal((await store.users.create({ username: 'fresh', password: '!' })).id, 6);
    } finally {
      await source.close();
      await store.close();
    }
  });
});
