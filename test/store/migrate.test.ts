import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, sql, type Kysely, type KyselyPlugin } from 'kysely';
import { migrate, type Store } from '../../src/store/index.js';
import { temporaryStore } from './helpers.js';

let store: Store;
let dispose: () => Promise<void>;

before(async () => {
  ({ store, dispose } = await temporaryStore());
});
after(async () => dispose());

/** The database handle, counting the statements sent through it. */
function counted(db: Kysely<unknown>): { db: Kysely<unknown>; statements: () => number } {
  let n = 0;
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      n += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(counter), statements: () => n };
}

test('an up-to-date database is checked with one statement', async () => {
  const { db, statements } = counted(store.database.db as Kysely<unknown>);
  assert.deepEqual((await migrate(db)).applied, []);
  assert.equal(statements(), 1);
});

const marker = { '0099_test_marker': { up: async (db: Kysely<unknown>) => void (await sql`create table test_marker (id integer)`.execute(db)) } };

test('an owner\'s missing migration is applied, and the next start is one statement a table', async () => {
  const { db, statements } = counted(store.database.db as Kysely<unknown>);
  assert.deepEqual((await migrate(db, { owner: 'app', migrations: marker })).applied, ['0099_test_marker']);
  assert.ok(statements() > 2);
  const before = statements();
  assert.deepEqual((await migrate(db, { owner: 'app', migrations: marker })).applied, []);
  assert.equal(statements() - before, 2);
  const { rows } = await sql<{ name: string }>`select name from tessera_migrations_app`.execute(db);
  assert.deepEqual(rows.map((row) => row.name), ['0099_test_marker']);
});

test('tessera\'s migrations alone run on a database an application migrated (the CLI beside an app)', async () => {
  assert.deepEqual((await migrate(store.database.db as Kysely<unknown>)).applied, []);
});

test('a migration its owner does not know fails as the Migrator says: a newer version ran it', async () => {
  const db = store.database.db as Kysely<unknown>;
  // The app's table holds 0099_test_marker (above); a version of the app without it must not start silently.
  await assert.rejects(migrate(db, { owner: 'app', migrations: {} }), /0099_test_marker/);
  await sql`insert into tessera_migrations (name, timestamp) values ('0099_newer_tessera', 'x')`.execute(db);
  try {
    await assert.rejects(migrate(db), /0099_newer_tessera/);
  } finally {
    await sql`delete from tessera_migrations where name = '0099_newer_tessera'`.execute(db);
  }
});

test('owner names are checked', async () => {
  for (const owner of ['', 'App', '1app', 'my-app', 'unclaimed', 'a'.repeat(41)]) {
    await assert.rejects(migrate(store.database.db as Kysely<unknown>, { owner, migrations: {} }), RangeError, owner);
  }
});

test('a database migrated before owners: the CLI runs on it, and each owner adopts its own rows, run once', async () => {
  const { store: legacy, dispose: disposeLegacy } = await temporaryStore({ migrated: false });
  const db = legacy.database.db as Kysely<unknown>;
  let notesRuns = 0;
  const notes = { '0100_notes': { up: async (db: Kysely<unknown>) => void (notesRuns += 1, await sql`create table notes (id integer)`.execute(db)) } };
  try {
    // As tessera 0.1 left it: its migrations and the application's in one table.
    const { CORE_MIGRATIONS } = await import('../../src/store/index.js');
    const { '0010_migration_owners': _marker, ...before } = CORE_MIGRATIONS;
    const old = new Migrator({
      db,
      provider: { getMigrations: async () => ({ ...before, ...notes }) },
      migrationTableName: 'tessera_migrations',
      migrationLockTableName: 'tessera_migrations_lock',
    });
    assert.equal((await old.migrateToLatest()).error, undefined);
    assert.equal(notesRuns, 1);

    // The CLI (tessera's migrations only) no longer refuses the application's row.
    assert.deepEqual((await migrate(db)).applied, ['0010_migration_owners']);
    // The application starts: its row is adopted, its migration not run again.
    assert.deepEqual((await migrate(db, { owner: 'notes', migrations: notes })).applied, []);
    assert.equal(notesRuns, 1);
    const names = async (table: string) => (await sql<{ name: string }>`select name from ${sql.table(table)}`.execute(db)).rows.map((row) => row.name);
    assert.deepEqual(await names('tessera_migrations_notes'), ['0100_notes']);
    assert.deepEqual(await names('tessera_migrations_unclaimed'), []);
    assert.ok(!(await names('tessera_migrations')).includes('0100_notes'));
    // And the CLI still runs after the application.
    assert.deepEqual((await migrate(db)).applied, []);
  } finally {
    await disposeLegacy();
  }
});
