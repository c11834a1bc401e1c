import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { PrecompiledQuery } from '../../src/store/precompiled.js';
import { cacheStatements } from '../../src/store/statement-cache.js';

test('the same SQL gets the same prepared statement until it is the least recently used past the bound', () => {
  const database = cacheStatements(new SQLite(':memory:'), 2);
  const one = database.prepare('select 1');
  assert.equal(database.prepare('select 1'), one);
  const two = database.prepare('select 2');
  assert.equal(database.prepare('select 1'), one); // now "select 2" is the least recently used
  database.prepare('select 3');
  assert.equal(database.prepare('select 1'), one);
  assert.notEqual(database.prepare('select 2'), two);
  database.close();
});

test('a cached statement sees a schema changed after it was prepared', () => {
  const database = cacheStatements(new SQLite(':memory:'));
  database.exec('create table t (a integer)');
  database.prepare('insert into t (a) values (?)').run(1);
  assert.deepEqual(database.prepare('select * from t').all(), [{ a: 1 }]);
  database.exec('alter table t add column b integer default 7');
  assert.deepEqual(database.prepare('select * from t').all(), [{ a: 1, b: 7 }]);
  database.close();
});

test('a precompiled query runs with each call\'s parameters and refuses a wrong count', async () => {
  const db = new Kysely<{ t: { id: number; name: string } }>({ dialect: new SqliteDialect({ database: cacheStatements(new SQLite(':memory:')) }) });
  await db.schema.createTable('t').addColumn('id', 'integer').addColumn('name', 'text').execute();
  await db.insertInto('t').values([{ id: 1, name: 'one' }, { id: 2, name: 'two' }]).execute();
  const byId = new PrecompiledQuery(db, () => db.selectFrom('t').selectAll().where('id', '=', 0));
  assert.deepEqual(await byId.execute([2]), [{ id: 2, name: 'two' }]);
  assert.deepEqual(await byId.execute([1]), [{ id: 1, name: 'one' }]);
  assert.deepEqual(await byId.execute([3]), []);
  await assert.rejects(byId.execute([1, 2]), /wrong number of parameters/);
  await db.destroy();
});
