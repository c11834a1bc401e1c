import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';

/** Django's `django_session`: a random key, the session's JSON data, and when it expires. */
export const sessionsInitial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('django_session')
      .addColumn('session_key', 'varchar(40)', (c) => c.primaryKey())
      .addColumn('session_data', 'text', (c) => c.notNull())
      .addColumn('expire_date', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('django_session_expire_date').on('django_session').column('expire_date').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('django_session').execute();
  },
};
