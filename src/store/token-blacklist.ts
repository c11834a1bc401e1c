import type { Kysely } from 'kysely';
import { deleteRowsBefore } from './batched-delete.js';
import { engineOf } from './database.js';
import { inGroupCommit } from './group-commit.js';
import { PrecompiledQuery, runSteps, runStepsNow, type QuerySteps } from './precompiled.js';
import type { CoreSchema } from './schema.js';
import { toEndReason, type FamilyEndReason } from './session-end-reasons.js';
import { writeTransaction } from './write-transaction.js';

/** A refresh token as Simple JWT's `OutstandingToken` records it. */
export interface OutstandingToken {
  jti: string;
  token: string;
  userId: number | null;
  createdAt: Date | null;
  expiresAt: Date;
  /** The refresh token family (session) it belongs to, when families are on. */
  family?: string | null;
}

/**
 * Simple JWT's blacklist app: every refresh token issued is outstanding; blacklisting one adds a
 * row that points at it. The unique `token_id` makes "blacklist this jti" a single winner even
 * when two requests race, which is what makes rotation safe.
 */
export class TokenBlacklistRepository {
  /** The statements `rotate` runs, compiled once. */
  private readonly rotation: ReturnType<typeof rotationStatements>;

  constructor(private readonly db: Kysely<CoreSchema>) {
    this.rotation = rotationStatements(db);
  }

  /** Records an issued token; recording the same jti twice keeps the first (get_or_create). */
  async recordOutstanding(token: OutstandingToken): Promise<void> {
    await this.db
      .insertInto('token_blacklist_outstandingtoken')
      .values(toRow(token))
      .onConflict((oc) => oc.column('jti').doNothing())
      .execute();
  }

  async isBlacklisted(jti: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('token_blacklist_blacklistedtoken as b')
      .innerJoin('token_blacklist_outstandingtoken as o', 'o.id', 'b.token_id')
      .select('b.id')
      .where('o.jti', '=', jti)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Blacklists `token` (recording it first if it was never outstanding). Answers false when it
   * was already blacklisted, so exactly one of several concurrent callers sees true.
   */
  async blacklist(token: OutstandingToken, at: Date): Promise<boolean> {
    return writeTransaction(this.db, (trx) => blacklistWithin(trx, token, at));
  }

  /**
   * Rotation in one transaction: blacklist the presented token and record its successor. False
   * (and nothing written) when the presented token was already blacklisted: the rotation's insert
   * into the blacklist is the check, and it comes first. On PostgreSQL concurrent rotations of one
   * token meet at the unique `token_id`: the first insert wins, the others wait for it to commit
   * and then insert nothing, so exactly one successor is recorded.
   *
   * On SQLite rotations join the group commit (`inGroupCommit`): those asked for during one turn
   * of the event loop share a transaction and a commit. A rotation that loses writes nothing, so
   * it needs no rollback of its own.
   */
  async rotate(previous: OutstandingToken, successor: OutstandingToken, at: Date, linkSuccessor: boolean): Promise<boolean> {
    const rotation = { previous, successor, at, linkSuccessor };
    if (engineOf(this.db) === 'postgres') return writeTransaction(this.db, (trx) => runSteps(trx, this.rotationSteps(rotation)));
    return inGroupCommit(this.db, (sqlite) => runStepsNow(sqlite, this.rotationSteps(rotation)));
  }

  /**
   * One rotation's statements, each chosen from the rows the last one answered; the rotation is
   * false, having written nothing, when the token was blacklisted.
   */
  private *rotationSteps({ previous, successor, at, linkSuccessor: link }: Rotating): QuerySteps<boolean> {
    const { blacklistRotated, recordRotated, linkSuccessor, recordSuccessor } = this.rotation;
    const blacklist = [at.toISOString(), previous.jti];
    if ((yield [blacklistRotated, blacklist]).length === 0) {
      // Nothing inserted: blacklisted already, or never recorded as outstanding. Simple JWT's
      // get_or_create, then the blacklisting again (nothing to insert now means blacklisted).
      yield [recordRotated, rowParameters(previous)];
      if ((yield [blacklistRotated, blacklist]).length === 0) return false;
    }
    // Recorded with the blacklisting: a rotated token is one with a successor (see `rotationOf`).
    if (link) yield [linkSuccessor, [successor.jti, previous.jti]];
    yield [recordSuccessor, rowParameters(successor)];
    return true;
  }

  /**
   * Deletes tokens that expired before `now` (their blacklist rows go with them), in batches of
   * `batchSize` through the `expires_at` index, so that live traffic keeps its turns (`deleteRowsBefore`).
   */
  async flushExpired(now: Date, batchSize?: number): Promise<number> {
    return deleteRowsBefore(this.db, 'token_blacklist_outstandingtoken', 'expires_at', now, batchSize);
  }

  async countOutstanding(): Promise<number> {
    const { n } = await this.db
      .selectFrom('token_blacklist_outstandingtoken')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** The outstanding token with this row id (Simple JWT admin's change page), or null. */
  async findOutstandingById(id: number): Promise<OutstandingToken | null> {
    if (!Number.isSafeInteger(id)) return null;
    const row = await this.db.selectFrom('token_blacklist_outstandingtoken').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    return {
      jti: row.jti,
      token: row.token,
      userId: row.user_id === null ? null : Number(row.user_id),
      createdAt: row.created_at ? new Date(row.created_at) : null,
      expiresAt: new Date(row.expires_at),
      family: row.family ?? null,
    };
  }

  /**
   * Outstanding tokens as Simple JWT's admin lists them, with their user's name and when they were
   * blacklisted; newest first, optionally only those of `username`. Never the token text.
   */
  async listOutstanding(filter: { username?: string }, page: { offset: number; limit: number }): Promise<OutstandingTokenListing[]> {
    let query = this.db
      .selectFrom('token_blacklist_outstandingtoken as o')
      .leftJoin('auth_user as u', 'u.id', 'o.user_id')
      .leftJoin('token_blacklist_blacklistedtoken as b', 'b.token_id', 'o.id')
      .leftJoin('tessera_token_family as f', 'f.family', 'o.family')
      .select(['o.id', 'o.jti', 'o.user_id', 'u.username', 'o.created_at', 'o.expires_at', 'b.blacklisted_at', 'f.revoked_reason']);
    if (filter.username !== undefined) query = query.where('u.username', '=', filter.username);
    const rows = await query.orderBy('o.id', 'desc').offset(page.offset).limit(page.limit).execute();
    return rows.map((row) => ({
      id: Number(row.id),
      jti: row.jti,
      userId: row.user_id === null ? null : Number(row.user_id),
      username: row.username ?? null,
      createdAt: row.created_at ? new Date(row.created_at) : null,
      expiresAt: new Date(row.expires_at),
      blacklistedAt: row.blacklisted_at ? new Date(row.blacklisted_at) : null,
      sessionEndReason: toEndReason(row.revoked_reason),
    }));
  }

  /** How many tokens `listOutstanding(filter)` finds in all. */
  async countOutstandingOf(filter: { username?: string }): Promise<number> {
    let query = this.db
      .selectFrom('token_blacklist_outstandingtoken as o')
      .leftJoin('auth_user as u', 'u.id', 'o.user_id')
      .select((eb) => eb.fn.countAll<number>().as('n'));
    if (filter.username !== undefined) query = query.where('u.username', '=', filter.username);
    const { n } = await query.executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Blacklisted tokens with their user's name, most recently blacklisted first. Never the token text. */
  async listBlacklisted(page: { offset: number; limit: number }): Promise<BlacklistedTokenListing[]> {
    const rows = await this.db
      .selectFrom('token_blacklist_blacklistedtoken as b')
      .innerJoin('token_blacklist_outstandingtoken as o', 'o.id', 'b.token_id')
      .leftJoin('auth_user as u', 'u.id', 'o.user_id')
      .leftJoin('tessera_token_family as f', 'f.family', 'o.family')
      .select(['b.id', 'o.jti', 'o.user_id', 'u.username', 'b.blacklisted_at', 'o.expires_at', 'f.revoked_reason'])
      .orderBy('b.id', 'desc')
      .offset(page.offset)
      .limit(page.limit)
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      jti: row.jti,
      userId: row.user_id === null ? null : Number(row.user_id),
      username: row.username ?? null,
      blacklistedAt: new Date(row.blacklisted_at),
      expiresAt: new Date(row.expires_at),
      sessionEndReason: toEndReason(row.revoked_reason),
    }));
  }

  async countBlacklisted(): Promise<number> {
    const { n } = await this.db
      .selectFrom('token_blacklist_blacklistedtoken')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }
}

/** A row of the staff API's outstanding token list. */
export interface OutstandingTokenListing {
  id: number;
  jti: string;
  userId: number | null;
  username: string | null;
  createdAt: Date | null;
  expiresAt: Date;
  blacklistedAt: Date | null;
  /** Why the token's session ended (token families); null while it lives, or for a token without one. */
  sessionEndReason: FamilyEndReason | null;
}

/** A row of the staff API's blacklisted token list (`id` is the blacklist row's). */
export interface BlacklistedTokenListing {
  id: number;
  jti: string;
  userId: number | null;
  username: string | null;
  blacklistedAt: Date;
  expiresAt: Date;
  /** Why the token's session ended (token families); null for a token blacklisted on its own. */
  sessionEndReason: FamilyEndReason | null;
}

async function blacklistWithin(trx: Kysely<CoreSchema>, token: OutstandingToken, at: Date): Promise<boolean> {
  await trx
    .insertInto('token_blacklist_outstandingtoken')
    .values(toRow(token))
    .onConflict((oc) => oc.column('jti').doNothing())
    .execute();
  const outstanding = await trx
    .selectFrom('token_blacklist_outstandingtoken')
    .select('id')
    .where('jti', '=', token.jti)
    .executeTakeFirstOrThrow();
  const inserted = await trx
    .insertInto('token_blacklist_blacklistedtoken')
    .values({ token_id: outstanding.id, blacklisted_at: at.toISOString() })
    .onConflict((oc) => oc.column('token_id').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

function rotationStatements(db: Kysely<CoreSchema>) {
  return {
    // INSERT ... SELECT: the row id found and the blacklist row written in one statement.
    blacklistRotated: new PrecompiledQuery(db, () => db
      .insertInto('token_blacklist_blacklistedtoken')
      .columns(['token_id', 'blacklisted_at'])
      .expression((eb) => eb
        .selectFrom('token_blacklist_outstandingtoken')
        .select((s) => ['id', s.val('').as('blacklisted_at')])
        .where('jti', '=', ''))
      .onConflict((oc) => oc.column('token_id').doNothing())
      .returning('id')),
    recordRotated: new PrecompiledQuery(db, () => db
      .insertInto('token_blacklist_outstandingtoken')
      .values(ROW_PLACEHOLDERS)
      .onConflict((oc) => oc.column('jti').doNothing())),
    linkSuccessor: new PrecompiledQuery(db, () => db
      .updateTable('token_blacklist_outstandingtoken')
      .set({ successor_jti: '' })
      .where('jti', '=', '')),
    recordSuccessor: new PrecompiledQuery(db, () => db.insertInto('token_blacklist_outstandingtoken').values(ROW_PLACEHOLDERS)),
  };
}

interface Rotating {
  previous: OutstandingToken;
  successor: OutstandingToken;
  at: Date;
  linkSuccessor: boolean;
}

/** An outstanding row with every column a parameter, in the order `rowParameters` gives them. */
const ROW_PLACEHOLDERS = { jti: '', token: '', user_id: 0, created_at: '', expires_at: '', family: '' };

function rowParameters(token: OutstandingToken): unknown[] {
  return [
    token.jti, token.token, token.userId, token.createdAt ? token.createdAt.toISOString() : null,
    token.expiresAt.toISOString(), token.family ?? null,
  ];
}

function toRow(token: OutstandingToken) {
  return {
    jti: token.jti,
    token: token.token,
    user_id: token.userId,
    created_at: token.createdAt ? token.createdAt.toISOString() : null,
    expires_at: token.expiresAt.toISOString(),
    ...(token.family ? { family: token.family } : {}),
  };
}
