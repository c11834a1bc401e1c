import type { Generated, Kysely } from 'kysely';
import { writeTransaction } from './write-transaction.js';

interface TwoFactorSchema {
  tessera_totp_device: {
    id: Generated<number>;
    user_id: number;
    secret: string;
    created_at: string;
    confirmed_at: string | null;
    last_step: number | null;
  };
  tessera_recovery_code: {
    id: Generated<number>;
    user_id: number;
    code_hash: string;
    created_at: string;
    used_at: string | null;
  };
  tessera_two_factor_challenge: {
    jti: string;
    expires_at: string;
  };
}

/** A user's TOTP device as stored: the secret still sealed. */
export interface StoredTotpDevice {
  userId: number;
  sealedSecret: string;
  createdAt: Date;
  /** Null while enrollment is pending. */
  confirmedAt: Date | null;
  /** The last time step a code was accepted for. */
  lastStep: number | null;
}

/**
 * The second factor's rows: TOTP devices, recovery code hashes and answered login challenges.
 * Every "use once" is one conditional UPDATE or INSERT whose row count decides, so of a burst of
 * requests with the same code exactly one wins, on SQLite and PostgreSQL alike.
 */
export class TwoFactorRepository {
  private readonly db: Kysely<TwoFactorSchema>;

  constructor(db: Kysely<any>) {
    this.db = db as Kysely<TwoFactorSchema>;
  }

  async findDevice(userId: number): Promise<StoredTotpDevice | null> {
    const row = await this.db.selectFrom('tessera_totp_device').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (!row) return null;
    return {
      userId: row.user_id,
      sealedSecret: row.secret,
      createdAt: new Date(row.created_at),
      confirmedAt: row.confirmed_at === null ? null : new Date(row.confirmed_at),
      lastStep: row.last_step === null ? null : Number(row.last_step),
    };
  }

  /** Whether the user has a confirmed device (their logins need a second factor). */
  async isEnabled(userId: number): Promise<boolean> {
    const row = await this.db.selectFrom('tessera_totp_device').select('id')
      .where('user_id', '=', userId).where('confirmed_at', 'is not', null).executeTakeFirst();
    return row !== undefined;
  }

  /** A new pending device in place of a pending one; false (nothing written) when a confirmed one exists. */
  async startPending(userId: number, sealedSecret: string, now: Date): Promise<boolean> {
    return writeTransaction(this.db, async (trx) => {
      await trx.deleteFrom('tessera_totp_device').where('user_id', '=', userId).where('confirmed_at', 'is', null).execute();
      const inserted = await trx.insertInto('tessera_totp_device')
        .values({ user_id: userId, secret: sealedSecret, created_at: now.toISOString(), confirmed_at: null, last_step: null })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
    });
  }

  /**
   * Confirms the pending device with the step its first code was for, and puts `codeHashes` in
   * place of any recovery codes, in one transaction; false when no device was pending (a
   * concurrent confirmation won, or enrollment never started).
   */
  async confirm(userId: number, step: number, codeHashes: readonly string[], now: Date): Promise<boolean> {
    return writeTransaction(this.db, async (trx) => {
      const updated = await trx.updateTable('tessera_totp_device').set({ confirmed_at: now.toISOString(), last_step: step })
        .where('user_id', '=', userId).where('confirmed_at', 'is', null).executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      await replaceCodes(trx, userId, codeHashes, now);
      return true;
    });
  }

  /** Records a code for `step` as used: true for the first use of a step newer than the last, false otherwise. */
  async useStep(userId: number, step: number): Promise<boolean> {
    const updated = await this.db.updateTable('tessera_totp_device').set({ last_step: step })
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /** Turns the second factor off: the device and every recovery code go. */
  async disable(userId: number): Promise<boolean> {
    return writeTransaction(this.db, async (trx) => {
      const deleted = await trx.deleteFrom('tessera_totp_device').where('user_id', '=', userId).executeTakeFirst();
      await trx.deleteFrom('tessera_recovery_code').where('user_id', '=', userId).execute();
      return Number(deleted.numDeletedRows) > 0;
    });
  }

  /** Puts `codeHashes` in place of the user's recovery codes. */
  async replaceRecoveryCodes(userId: number, codeHashes: readonly string[], now: Date): Promise<void> {
    await writeTransaction(this.db, (trx) => replaceCodes(trx, userId, codeHashes, now));
  }

  async recoveryCodesLeft(userId: number): Promise<number> {
    const row = await this.db.selectFrom('tessera_recovery_code').select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Marks the unused code with this hash used: true for the one request that did. */
  async useRecoveryCode(userId: number, codeHash: string, now: Date): Promise<boolean> {
    const updated = await this.db.updateTable('tessera_recovery_code').set({ used_at: now.toISOString() })
      .where('user_id', '=', userId).where('code_hash', '=', codeHash).where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) >= 1;
  }

  /** Whether a challenge was answered already (the answer's own write still decides a race). */
  async isChallengeUsed(jti: string): Promise<boolean> {
    const row = await this.db.selectFrom('tessera_two_factor_challenge').select('jti').where('jti', '=', jti).executeTakeFirst();
    return row !== undefined;
  }

  /** Records a challenge as answered: true the first time, false for a challenge answered before. */
  async useChallenge(jti: string, expiresAt: Date, now: Date): Promise<boolean> {
    // The answered challenges that expired are refused by their signature anyway: forget them.
    await this.db.deleteFrom('tessera_two_factor_challenge').where('expires_at', '<', now.toISOString()).execute();
    const inserted = await this.db.insertInto('tessera_two_factor_challenge')
      .values({ jti, expires_at: expiresAt.toISOString() })
      .onConflict((oc) => oc.column('jti').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  }
}

async function replaceCodes(trx: Kysely<TwoFactorSchema>, userId: number, codeHashes: readonly string[], now: Date): Promise<void> {
  await trx.deleteFrom('tessera_recovery_code').where('user_id', '=', userId).execute();
  if (codeHashes.length === 0) return;
  await trx.insertInto('tessera_recovery_code')
    .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: now.toISOString(), used_at: null })))
    .execute();
}
