import type { Kysely, Migration } from 'kysely';
import { addIdColumn } from './columns.js';

/**
 * The audit log: one row per security event (logins, refreshes, revocations, password and key
 * changes). `at` is ISO-8601 text as every date here; `detail` a JSON object; never a secret.
 */
export const auditInitial: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('tessera_audit_event')
      .$call(addIdColumn(db))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('user_id', 'integer')
      .addColumn('username', 'text')
      .addColumn('ip', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('user_agent', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createIndex('tessera_audit_event_at').on('tessera_audit_event').column('at').execute();
    await db.schema.createIndex('tessera_audit_event_user_id').on('tessera_audit_event').columns(['user_id', 'at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('tessera_audit_event').execute();
  },
};
