import type { Kysely, Migration } from 'kysely';
import { lowerEmail } from '../emails.js';

/**
 * `loginField: 'email'` looks users up by their email in any case: an index on the expression it
 * compares (`lowerEmail`). Not a unique one: Django's default user model lets accounts share an
 * email, and a database holding such accounts (or imported from Django) must still migrate. With
 * `loginField: 'email'` uniqueness is kept by every write (`UserRepository.create`, `setEmail`)
 * and checked at start (`requireUniqueLoginEmails`).
 */
export const emailLogin: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('auth_user_email_lower').on('auth_user').expression(lowerEmail(db)).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('auth_user_email_lower').execute();
  },
};
