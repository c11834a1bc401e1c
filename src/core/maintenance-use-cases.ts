import type { Clock } from '../settings/index.js';
import type { AuditLog, Store } from '../store/index.js';

/** What operators run from cron: Simple JWT's `flushexpiredtokens` and its audit-log twin. */
export interface MaintenanceUseCases {
  /** Deletes outstanding (and their blacklisted) tokens past their expiry; answers how many. */
  flushExpiredTokens(): Promise<number>;
  /** Deletes the audit events recorded before `cutoff`; answers how many. */
  flushAuditLog(cutoff: Date): Promise<number>;
}

export function maintenanceUseCases(deps: { store: Store; audit: AuditLog; clock: Clock }): MaintenanceUseCases {
  const { store, audit, clock } = deps;
  return {
    flushExpiredTokens: () => store.tokens.flushExpired(new Date(clock())),
    flushAuditLog: (cutoff) => audit.deleteBefore(cutoff),
  };
}
