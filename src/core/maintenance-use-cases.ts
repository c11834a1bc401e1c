import type { Clock, Settings } from '../settings/index.js';
import type { AuditLog, Store } from '../store/index.js';
import type { Revocation } from '../tokens/index.js';

/** What one `flushExpiredTokens` run did. */
export interface FlushReport {
  /** Outstanding tokens (and their blacklist rows) deleted, past their expiry. */
  deletedTokens: number;
  /** Sessions ended because they went idle or past their absolute lifetime and were never refreshed again. */
  endedSessions: number;
}

/** What operators run from cron: Simple JWT's `flushexpiredtokens` and its audit-log twin. */
export interface MaintenanceUseCases {
  /**
   * Ends the sessions past `sessionAbsoluteLifetime` (`expired`) or `sessionIdleTimeout` (`idle`)
   * that nothing ended yet (each audited once as `session_ended`), then deletes outstanding (and
   * their blacklisted) tokens past their expiry.
   */
  flushExpiredTokens(): Promise<FlushReport>;
  /** Deletes the audit events recorded before `cutoff`; answers how many. */
  flushAuditLog(cutoff: Date): Promise<number>;
}

/**
 * Sessions ended per write transaction. Each batch also blacklists their tokens and is announced
 * (Redis, audit) before the next, so a backlog of many never holds the write lock for long.
 */
const END_BATCH_SIZE = 500;

export function maintenanceUseCases(deps: {
  settings: Pick<Settings, 'sessionAbsoluteLifetime' | 'sessionIdleTimeout'>;
  store: Store;
  audit: AuditLog;
  revocation: Pick<Revocation, 'announceEnded'>;
  clock: Clock;
  endBatchSize?: number;
}): MaintenanceUseCases {
  const { settings, store, audit, revocation, clock, endBatchSize = END_BATCH_SIZE } = deps;
  const ago = (now: number, seconds: number) => (seconds > 0 ? new Date(now - seconds * 1000) : null);

  async function endTimedOutSessions(): Promise<number> {
    const now = clock();
    const at = new Date(now);
    const rules = { expiredBefore: ago(now, settings.sessionAbsoluteLifetime), idleBefore: ago(now, settings.sessionIdleTimeout) };
    let ended = 0;
    let afterId: number | null = 0;
    while (afterId !== null) {
      const batch = await store.families.endTimedOut(rules, at, endBatchSize, afterId);
      await revocation.announceEnded(batch.ended, at);
      ended += batch.ended.length;
      afterId = batch.nextAfterId;
    }
    return ended;
  }

  return {
    async flushExpiredTokens() {
      const endedSessions = await endTimedOutSessions();
      const deletedTokens = await store.tokens.flushExpired(new Date(clock()));
      return { deletedTokens, endedSessions };
    },
    flushAuditLog: (cutoff) => audit.deleteBefore(cutoff),
  };
}
