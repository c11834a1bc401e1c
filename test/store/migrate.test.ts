import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely, type KyselyPlugin } from 'kysely';
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

test('a missing migration is still applied, and the next start is one statement again', async () => {
  const extra = { '0099_test_marker': { up: async (db: Kysely<unknown>) => void (await sql`create table test_marker (id integer)`.execute(db)) } };
  const { db, statements } = counted(store.database.db as Kysely<unknown>);
  assert.deepEqual((await migrate(db, extra)).applied, ['0099_test_marker']);
  assert.ok(statements() > 1);
  const before = statements();
  assert.deepEqual((await migrate(db, extra)).applied, []);
  assert.equal(statements() - before, 1);
});

test('a database that ran a migration this version does not know still fails as the Migrator says', async () => {
  // The database now holds 0099_test_marker (above); a version without it must not start silently.
  await assert.rejects(migrate(store.database.db as Kysely<unknown>), /0099_test_marker/);
});
