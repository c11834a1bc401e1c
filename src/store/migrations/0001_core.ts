import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { addIdColumn } from './columns.js';

/** Django's `auth_user` and Simple JWT's blacklist tables, column for column. */
export const coreInitial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('auth_user')
      .$call(addIdColumn(db))
      .addColumn('password', 'varchar(128)', (c) => c.notNull())
      .addColumn('last_login', 'text')
      .addColumn('is_superuser', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('username', 'varchar(150)', (c) => c.notNull().unique())
      .addColumn('first_name', 'varchar(150)', (c) => c.notNull().defaultTo(''))
      .addColumn('last_name', 'varchar(150)', (c) => c.notNull().defaultTo(''))
      .addColumn('email', 'varchar(254)', (c) => c.notNull().defaultTo(''))
      .addColumn('is_staff', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('date_joined', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('token_blacklist_outstandingtoken')
      .$call(addIdColumn(db))
      .addColumn('user_id', 'integer', (c) => c.references('auth_user.id').onDelete('set null'))
      .addColumn('jti', 'varchar(255)', (c) => c.notNull().unique())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text')
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('token_blacklist_outstandingtoken_user_id')
      .on('token_blacklist_outstandingtoken')
      .column('user_id')
      .execute();
    await db.schema
      .createIndex('token_blacklist_outstandingtoken_expires_at')
      .on('token_blacklist_outstandingtoken')
      .column('expires_at')
      .execute();

    await db.schema
      .createTable('token_blacklist_blacklistedtoken')
      .$call(addIdColumn(db))
      .addColumn('token_id', 'integer', (c) =>
        c.notNull().unique().references('token_blacklist_outstandingtoken.id').onDelete('cascade'),
      )
      .addColumn('blacklisted_at', 'text', (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('token_blacklist_blacklistedtoken').execute();
    await db.schema.dropTable('token_blacklist_outstandingtoken').execute();
    await db.schema.dropTable('auth_user').execute();
  },
};
