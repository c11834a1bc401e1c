import type { Generated, Kysely, SelectQueryBuilder } from 'kysely';
import type { Clock } from '../settings/index.js';
import { deleteRowsBefore } from './batched-delete.js';
import { engineOf } from './database.js';
import { groupCommitsSettled, inGroupCommit } from './group-commit.js';
import { GroupWriter } from './group-writer.js';
import { PrecompiledQuery } from './precompiled.js';

/** Every kind of event the audit log keeps. */
export const AUDIT_EVENT_TYPES = [
  'login_succeeded', 'login_failed', 'token_refreshed', 'token_reused', 'token_blacklisted',
  'sessions_revoked', 'session_ended', 'password_changed', 'password_reset', 'key_generated', 'key_rotated', 'key_revoked', 'keys_encrypted', 'user_updated',
  'two_factor_enabled', 'two_factor_disabled', 'recovery_codes_regenerated', 'two_factor_challenged', 'recovery_code_used',
  'permissions_changed',
  'passkey_added', 'passkey_removed',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** What `record` takes. Never put a password, hash or token in any field, `detail` included. */
export interface AuditEventInput {
  type: AuditEventType;
  userId?: number | null;
  username?: string | null;
  ip?: string;
  userAgent?: string;
  detail?: Record<string, unknown>;
  /** Defaults to the log's clock. */
  at?: Date;
}

export interface AuditEvent {
  id: number;
  at: string;
  type: AuditEventType;
  userId: number | null;
  username: string | null;
  ip: string;
  userAgent: string;
  detail: Record<string, unknown>;
}

export interface AuditFilters {
  userId?: number;
  username?: string;
  type?: AuditEventType;
  /** Only events at or after this instant. */
  since?: Date;
  /** Newest first; default 100. */
  limit?: number;
  /** Events skipped before the first one listed (a page's start); default 0. */
  offset?: number;
}

interface AuditTable {
  tessera_audit_event: {
    id: Generated<number>;
    at: string;
    type: string;
    user_id: number | null;
    username: string | null;
    ip: string;
    user_agent: string;
    detail: string;
  };
}

const MAX_TEXT = 512;

export interface AuditLogOptions {
  clock?: Clock;
  /** Told when a write fails; `record` itself never rejects. Called once, then on the next failure after a success. */
  onError?: (error: unknown) => void;
}

/** Rows in one PostgreSQL INSERT at most (7 parameters a row, far under its 65,535). */
const MAX_BATCH = 500;

type AuditRow = AuditTable['tessera_audit_event'];

/**
 * The `tessera_audit_event` table. `record` never throws: an audit write that fails is reported
 * once through `onError` (until writes work again) and the request goes on.
 *
 * Writes are batched: on SQLite each event joins the group commit (`inGroupCommit`), the one
 * transaction the writes of an event-loop turn share (a refresh's audit row rides with the next
 * rotations' commit); on PostgreSQL the events recorded while a write waits its turn go in as one
 * multi-row INSERT. Under load that takes a commit per event off requests such as refresh.
 */
export class AuditLog {
  private readonly db: Kysely<AuditTable>;
  private failing = false;
  private readonly batches = new GroupWriter<{ row: Omit<AuditRow, 'id'>; written: () => void }>(MAX_BATCH, (batch) => this.writeBatch(batch));
  private readonly insertOne: PrecompiledQuery<unknown>;

  constructor(db: Kysely<any>, private readonly options: AuditLogOptions = {}) {
    this.db = db as Kysely<AuditTable>;
    this.insertOne = new PrecompiledQuery(db, () => this.db.insertInto('tessera_audit_event').values(ROW_PLACEHOLDERS));
  }

  /** Writes the event; never rejects. Resolves once the event's batch is written (or failed). */
  record(event: AuditEventInput): Promise<void> {
    let row: Omit<AuditRow, 'id'>;
    try {
      const at = event.at ?? new Date(this.options.clock ? this.options.clock() : Date.now());
      row = {
        at: at.toISOString(),
        type: event.type,
        user_id: event.userId ?? null,
        username: event.username == null ? null : event.username.slice(0, MAX_TEXT),
        ip: (event.ip ?? '').slice(0, MAX_TEXT),
        user_agent: (event.userAgent ?? '').slice(0, MAX_TEXT),
        detail: JSON.stringify(event.detail ?? {}),
      };
    } catch (error) {
      this.failed(error);
      return Promise.resolve();
    }
    if (engineOf(this.db) !== 'postgres') {
      return inGroupCommit(this.db, (sqlite) => this.insertOne.runNow(sqlite, rowParameters(row))).then(() => this.succeeded(), (error: unknown) => this.failed(error));
    }
    return new Promise<void>((resolve) => this.batches.add({ row, written: resolve }));
  }

  /**
   * Deletes the events recorded before `cutoff`, in batches that let live traffic keep its turns
   * (`tessera flushauditlog`). The log otherwise keeps everything: a refresh adds a row.
   */
  async deleteBefore(cutoff: Date, batchSize?: number): Promise<number> {
    return deleteRowsBefore(this.db, 'tessera_audit_event', 'at', cutoff, batchSize);
  }

  /** Waits for every write under way (before the database closes). */
  async flush(): Promise<void> {
    await this.batches.settled();
    await groupCommitsSettled(this.db);
  }

  /** PostgreSQL: one statement for the batch. */
  private async writeBatch(batch: { row: Omit<AuditRow, 'id'>; written: () => void }[]): Promise<void> {
    try {
      if (batch.length === 1) await this.insertOne.execute(rowParameters(batch[0]!.row));
      else await this.db.insertInto('tessera_audit_event').values(batch.map((entry) => entry.row)).execute();
      this.succeeded();
    } catch (error) {
      this.failed(error);
    }
    for (const entry of batch) entry.written();
  }

  private succeeded(): void {
    this.failing = false;
  }

  private failed(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.options.onError?.(error);
  }

  async list(filters: AuditFilters = {}): Promise<AuditEvent[]> {
    const query = this.filtered(this.db.selectFrom('tessera_audit_event').selectAll(), filters);
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').offset(filters.offset ?? 0).limit(filters.limit ?? 100).execute();
    return rows.map((row) => ({
      id: Number(row.id),
      at: row.at,
      type: row.type as AuditEventType,
      userId: row.user_id === null ? null : Number(row.user_id),
      username: row.username,
      ip: row.ip,
      userAgent: row.user_agent,
      detail: parseDetail(row.detail),
    }));
  }

  /** How many events match `filters` (`limit` and `offset` aside). */
  async count(filters: AuditFilters = {}): Promise<number> {
    const query = this.filtered(this.db.selectFrom('tessera_audit_event').select((eb) => eb.fn.countAll<number>().as('n')), filters);
    const { n } = await query.executeTakeFirstOrThrow();
    return Number(n);
  }

  private filtered<Q extends SelectQueryBuilder<AuditTable, 'tessera_audit_event', any>>(query: Q, filters: AuditFilters): Q {
    let filtered = query;
    if (filters.userId !== undefined) filtered = filtered.where('user_id', '=', filters.userId) as Q;
    if (filters.username !== undefined) filtered = filtered.where('username', '=', filters.username) as Q;
    if (filters.type !== undefined) filtered = filtered.where('type', '=', filters.type) as Q;
    if (filters.since !== undefined) filtered = filtered.where('at', '>=', filters.since.toISOString()) as Q;
    return filtered;
  }
}

const ROW_PLACEHOLDERS = { at: '', type: '', user_id: 0, username: '', ip: '', user_agent: '', detail: '' };

function rowParameters(row: Omit<AuditRow, 'id'>): unknown[] {
  return [row.at, row.type, row.user_id, row.username, row.ip, row.user_agent, row.detail];
}

function parseDetail(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}
