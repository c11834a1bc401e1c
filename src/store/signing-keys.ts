import type { Kysely } from 'kysely';
import type { CoreSchema } from './schema.js';

/** A keyring row as the crypto layer's `SigningKeyRows` takes it (the alg is checked when the key is pinned). */
export interface SigningKeyRow {
  kid: string;
  alg: string;
  privatePem: string;
  createdAt: Date;
  activatedAt: Date | null;
  retiresAt: Date | null;
}

/** A keyring row without its key material. */
export type SigningKeySummary = Omit<SigningKeyRow, 'privatePem'>;

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
      activatedAt: row.activated_at ? new Date(row.activated_at) : null,
      retiresAt: row.retires_at ? new Date(row.retires_at) : null,
    }));
  }

  /** Every key's kid, alg and dates, by id, without reading its private key (the staff API's list). */
  async listSummaries(): Promise<SigningKeySummary[]> {
    const rows = await this.db
      .selectFrom('tessera_signing_key')
      .select(['kid', 'alg', 'created_at', 'activated_at', 'retires_at'])
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      kid: row.kid,
      alg: row.alg,
      createdAt: new Date(row.created_at),
      activatedAt: row.activated_at ? new Date(row.activated_at) : null,
      retiresAt: row.retires_at ? new Date(row.retires_at) : null,
    }));
  }

  async insert(key: SigningKeyRow & { publicJwk: unknown }): Promise<void> {
    await this.db.insertInto('tessera_signing_key').values({
      kid: key.kid,
      alg: key.alg,
      private_pem: key.privatePem,
      public_jwk: JSON.stringify(key.publicJwk),
      created_at: key.createdAt.toISOString(),
      activated_at: key.activatedAt?.toISOString() ?? null,
      retires_at: key.retiresAt?.toISOString() ?? null,
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
}
