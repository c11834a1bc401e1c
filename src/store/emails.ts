import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { TesseraError } from '../errors.js';
import { engineOf } from './database.js';

/**
 * Emails as `loginField: 'email'` compares them: ASCII letters folded to lower case, nothing else
 * changed. ASCII only, because that is what both engines' `lower()` do without an ICU build
 * (SQLite's always; PostgreSQL's under the "C" collation, named in `lowerEmail`), so the same two
 * addresses match in memory, on SQLite and on PostgreSQL whatever the database's locale; domain
 * names compare that way too (RFC 4343).
 */
export function foldEmail(email: string): string {
  return email.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/**
 * The indexed expression `foldEmail` is in SQL: `lower(email)` (SQLite), `lower(email collate "C")`
 * (PostgreSQL). Queries must spell it exactly so to use migration 0014's index.
 */
export function lowerEmail<Schema>(db: Kysely<Schema>): RawBuilder<string> {
  return engineOf(db) === 'postgres' ? sql<string>`lower(email collate "C")` : sql<string>`lower(email)`;
}

/** Django's answer to a second account with one email (`EmailField(unique=True)`), as DRF's validator words it. */
export const EMAIL_TAKEN_MESSAGE = 'user with this email address already exists.';

export class EmailTakenError extends TesseraError {
  readonly code = 'email_taken';
  constructor() {
    // Not the address: errors end up in logs.
    super('a user with this email address already exists');
    this.name = 'EmailTakenError';
  }
}

/**
 * Inside a write transaction: waits for every other writer of the same (folded) email to commit.
 * PostgreSQL: a transaction-level advisory lock keyed by a hash of it, released at commit, so
 * writers of different emails never wait for each other and the check after it sees the winner's
 * row. SQLite: nothing to do, `writeTransaction`'s `BEGIN IMMEDIATE` already serializes writers.
 */
export async function lockEmail<Schema>(trx: Kysely<Schema>, folded: string): Promise<void> {
  if (engineOf(trx) !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(${advisoryKey(folded)}::bigint)`.execute(trx);
}

/** A signed 64-bit key from the email, namespaced so tessera's other advisory locks cannot collide with it. */
function advisoryKey(folded: string): string {
  return createHash('sha256').update(`tessera:email:${folded}`).digest().readBigInt64BE(0).toString();
}
