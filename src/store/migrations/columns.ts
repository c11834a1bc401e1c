import type { CreateTableBuilder, Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * Adds Django's `id` primary key: `integer primary key autoincrement` on SQLite (ids are never
 * reused, as Django's), `serial primary key` on PostgreSQL, which has no AUTOINCREMENT. Use as
 * `db.schema.createTable('t').$call(addIdColumn(db))`.
 */
export function addIdColumn<Schema>(db: Kysely<Schema>) {
  const postgres = engineOf(db) === 'postgres';
  return <T extends string, C extends string>(table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C | 'id'> =>
    postgres
      ? table.addColumn('id', 'serial', (c) => c.primaryKey())
      : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
