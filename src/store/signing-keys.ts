import { sql, type Kysely } from 'kysely';
import { engineOf } from './database.js';
import type { CoreSchema } from './schema.js';
import { writeTransaction } from './write-transaction.js';

/**
 * A keyring row as the crypto layer's `SigningKeyRows` takes it (the alg is checked when the key is
 * pinned). `privatePem` is the column as stored: PKCS#8 PEM, or sealed when a key encryption key is set.
 */
export interface SigningKeyRow {
  kid: string;
  alg: string;
  privatePem: string;
  createdAt: Date;
  activatedAt: Date | null;
  retiresAt: Date | null;
  revokedAt: Date | null;
}

/** A keyring row without its key material. */
export type SigningKeySummary = Omit<SigningKeyRow, 'privatePem'>;

/** Any number: the PostgreSQL advisory lock that serializes changes to the keyring across nodes. */
const KEYRING_LOCK = 0x7e55e4a;

const date = (value: string | null): Date | null => (value ? new Date(value) : null);

/**
 * `tessera_signing_key`: the keyring every node reads. Rows hold private keys; nothing here logs
 * them, and `tessera keys list` shows only kid, alg, dates and state.
 */
export class SigningKeyRepository {
  constructor(private readonly db: Kysely<CoreSchema>) {}

  async list(): Promise<SigningKeyRow[]> {
    const rows = await this.db.selectFrom('tessera_signing_key').selectAll().orderBy('id').execute();
    return rows.map((row) => ({
      kid: row.kid,
      alg: row.alg,
      privatePem: row.private_pem,
      createdAt: new Date(row.created_at),
      activatedAt: date(row.activated_at),
      retiresAt: date(row.retires_at),
      revokedAt: date(row.revoked_at),
    }));
  }

  /** Every key's kid, alg and dates, by id, without reading its private key (the staff API's list). */
  async listSummaries(): Promise<SigningKeySummary[]> {
    const rows = await this.db
      .selectFrom('tessera_signing_key')
      .select(['kid', 'alg', 'created_at', 'activated_at', 'retires_at', 'revoked_at'])
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      kid: row.kid,
      alg: row.alg,
      createdAt: new Date(row.created_at),
      activatedAt: date(row.activated_at),
      retiresAt: date(row.retires_at),
      revokedAt: date(row.revoked_at),
    }));
  }

  async insert(key: Omit<SigningKeyRow, 'revokedAt'> & { revokedAt?: Date | null; publicJwk: unknown }): Promise<void> {
    await this.db.insertInto('tessera_signing_key').values({
      kid: key.kid,
      alg: key.alg,
      private_pem: key.privatePem,
      public_jwk: JSON.stringify(key.publicJwk),
      created_at: key.createdAt.toISOString(),
      activated_at: key.activatedAt?.toISOString() ?? null,
      retires_at: key.retiresAt?.toISOString() ?? null,
      revoked_at: key.revokedAt?.toISOString() ?? null,
    }).execute();
  }

  async activate(kid: string, at: Date): Promise<void> {
    await this.db.updateTable('tessera_signing_key').set({ activated_at: at.toISOString(), retires_at: null }).where('kid', '=', kid).execute();
  }

  /** Sets when `kid` stops verifying; an earlier retirement already set is kept. */
  async retire(kid: string, at: Date): Promise<void> {
    await this.db.updateTable('tessera_signing_key').set({ retires_at: at.toISOString() })
      .where('kid', '=', kid).where((eb) => eb.or([eb('retires_at', 'is', null), eb('retires_at', '>', at.toISOString())])).execute();
  }

  /** Marks `kid` revoked; false when it already was (its first revocation's date is kept). */
  async revoke(kid: string, at: Date): Promise<boolean> {
    const result = await this.db.updateTable('tessera_signing_key').set({ revoked_at: at.toISOString() })
      .where('kid', '=', kid).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Replaces the stored private key of `kid` (`tessera keys encrypt` seals it). */
  async replacePrivateKey(kid: string, stored: string): Promise<void> {
    await this.db.updateTable('tessera_signing_key').set({ private_pem: stored }).where('kid', '=', kid).execute();
  }

  /**
   * Runs `work` in one write transaction that holds the keyring to itself: on SQLite `BEGIN
   * IMMEDIATE`, on PostgreSQL an advisory lock taken until commit (it holds on an empty table too,
   * where row locks would lock nothing). Nodes deciding the same change (a scheduled rotation) take
   * turns, and the later one reads what the earlier one wrote.
   */
  async exclusive<T>(work: (rows: SigningKeyRepository) => Promise<T>): Promise<T> {
    return writeTransaction(this.db, async (trx) => {
      if (engineOf(trx) === 'postgres') await sql`select pg_advisory_xact_lock(${KEYRING_LOCK})`.execute(trx);
      return work(new SigningKeyRepository(trx));
    });
  }
}
