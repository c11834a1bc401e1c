import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CoreSchema } from './schema.js';

/** What a WebAuthn ceremony's challenge is for. */
export type PasskeyChallengePurpose = 'register' | 'authenticate';

/** A challenge used: whose registration it was (null for a sign-in) and the user handle offered. */
export interface UsedChallenge {
  userId: number | null;
  userHandle: string | null;
}

/**
 * `tessera_passkey_challenge`: challenges waiting for their answer, shared by every process
 * through the database. Kept by SHA-256 (the table never holds one that could be answered), and
 * taken with a single `DELETE ... RETURNING`: of any number of concurrent uses, one gets the row.
 */
export class PasskeyChallengeRepository {
  constructor(private readonly db: Kysely<CoreSchema>) {}

  /** Keeps `challenge` until `expiresAt`; drops the expired ones on the way (options are cheap to ask for). */
  async create(challenge: string, purpose: PasskeyChallengePurpose, owner: UsedChallenge, expiresAt: Date, now: Date): Promise<void> {
    await this.db.deleteFrom('tessera_passkey_challenge').where('expires_at', '<=', now.toISOString()).execute();
    await this.db.insertInto('tessera_passkey_challenge').values({
      challenge_hash: hashOf(challenge),
      purpose,
      user_id: owner.userId,
      user_handle: owner.userHandle,
      expires_at: expiresAt.toISOString(),
    }).execute();
  }

  /** Uses `challenge` up: what it was issued for, or null when unknown, used already, expired, or for another purpose. */
  async consume(challenge: string, purpose: PasskeyChallengePurpose, now: Date): Promise<UsedChallenge | null> {
    const row = await this.db.deleteFrom('tessera_passkey_challenge')
      .where('challenge_hash', '=', hashOf(challenge))
      .where('purpose', '=', purpose)
      .where('expires_at', '>', now.toISOString())
      .returning(['user_id', 'user_handle'])
      .executeTakeFirst();
    return row ? { userId: row.user_id, userHandle: row.user_handle } : null;
  }
}

function hashOf(challenge: string): string {
  return createHash('sha256').update(challenge, 'utf8').digest('hex');
}
