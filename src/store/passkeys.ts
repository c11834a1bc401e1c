import type { Kysely, Selectable } from 'kysely';
import type { CoreSchema, PasskeyTable } from './schema.js';

/** A stored passkey: its public half and what the account page shows about it. */
export interface Passkey {
  id: number;
  userId: number;
  /** base64url, as WebAuthn's JSON carries it. */
  credentialId: string;
  userHandle: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  name: string;
  /** `singleDevice` or `multiDevice` (synced). */
  deviceType: string;
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export type NewPasskey = Omit<Passkey, 'id' | 'lastUsedAt'>;

/** `tessera_passkey`: each user's passkeys; public keys only. */
export class PasskeyRepository {
  constructor(private readonly db: Kysely<CoreSchema>) {}

  /** The user's passkeys, oldest first. */
  async listForUser(userId: number): Promise<Passkey[]> {
    const rows = await this.db.selectFrom('tessera_passkey').selectAll().where('user_id', '=', userId).orderBy('id').execute();
    return rows.map(toPasskey);
  }

  async findByCredentialId(credentialId: string): Promise<Passkey | null> {
    const row = await this.db.selectFrom('tessera_passkey').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
    return row ? toPasskey(row) : null;
  }

  /** The user handle the user's passkeys share, or null before their first. */
  async userHandleOf(userId: number): Promise<string | null> {
    const row = await this.db.selectFrom('tessera_passkey').select('user_handle').where('user_id', '=', userId).orderBy('id').limit(1).executeTakeFirst();
    return row?.user_handle ?? null;
  }

  /** Stores a new passkey; null when that credential is registered already (to anyone). */
  async create(passkey: NewPasskey): Promise<Passkey | null> {
    const row = await this.db.insertInto('tessera_passkey').values({
      user_id: passkey.userId,
      credential_id: passkey.credentialId,
      user_handle: passkey.userHandle,
      public_key: passkey.publicKey,
      counter: passkey.counter,
      transports: JSON.stringify(passkey.transports),
      name: passkey.name,
      device_type: passkey.deviceType,
      backed_up: passkey.backedUp ? 1 : 0,
      created_at: passkey.createdAt.toISOString(),
      last_used_at: null,
    }).onConflict((conflict) => conflict.column('credential_id').doNothing()).returningAll().executeTakeFirst();
    return row ? toPasskey(row) : null;
  }

  /** Deletes the user's passkey `id`; false when they have none by that id. */
  async delete(userId: number, id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('tessera_passkey').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Records a sign-in: the new counter and when, only if the counter is still the one the
   * signature was checked against (compare-and-set), so two answers racing with one counter
   * value cannot both count. False when another use got there first.
   */
  async recordUse(id: number, checkedCounter: number, newCounter: number, at: Date): Promise<boolean> {
    const result = await this.db.updateTable('tessera_passkey')
      .set({ counter: newCounter, last_used_at: at.toISOString() })
      .where('id', '=', id).where('counter', '=', checkedCounter)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

function toPasskey(row: Selectable<PasskeyTable>): Passkey {
  return {
    id: row.id,
    userId: row.user_id,
    credentialId: row.credential_id,
    userHandle: row.user_handle,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: parseTransports(row.transports),
    name: row.name,
    deviceType: row.device_type,
    backedUp: row.backed_up === 1,
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
  };
}

function parseTransports(text: string): string[] {
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) ? list.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
