import { PermissionDenied } from '../errors.js';
import type { Clock, Settings } from '../settings/index.js';
import type { FamilyEndReason, NewTokenFamily, Store } from '../store/index.js';
import type { Revocation } from '../tokens/index.js';

/** How `endAll` ends a user's sessions. */
export interface EndSessionsOptions {
  /** Kept on each ended session (why it ended). Default `logout`. */
  reason?: FamilyEndReason;
  /**
   * "Log out everywhere else": the session (token family) of the request asking, if it has one,
   * is kept, and the user's cut-off is not raised. Without it, every JWT issued to the user so
   * far is refused as well, including tokens from before sessions existed and access tokens of
   * the sessions just ended.
   */
  keep?: { family: string | null };
}

/** The 403 of a login past `sessionsPerUser` with `sessionLimitPolicy: 'refuse'`. */
export const SESSION_LIMIT_REACHED = {
  detail: 'You have reached the maximum number of sessions. Sign out of another session first.',
  code: 'session_limit_reached',
} as const;

/** Starting and ending sessions: written once, for every route, adapter and CLI command that does. */
export interface SessionUseCases {
  /**
   * Starts the session a login opens (a token family). With `sessionsPerUser`, at the limit the
   * user's oldest live sessions end (`evicted`), or with `sessionLimitPolicy: 'refuse'` the login
   * is refused (403 `session_limit_reached`); sessions past their absolute lifetime or idle
   * timeout are ended then too (`expired`, `idle`) and never count.
   */
  start(family: NewTokenFamily): Promise<void>;
  /**
   * Ends every session of the user: their token families (each with `reason`), their Django
   * `sessionid` logins, and (unless a family is kept) every JWT issued so far; every process
   * refuses them at once (Redis) or at its next poll. Answers how many sessions ended.
   */
  endAll(userId: number, options?: EndSessionsOptions): Promise<number>;
}

export function sessionUseCases(deps: {
  settings: Pick<Settings, 'sessionsPerUser' | 'sessionLimitPolicy' | 'sessionAbsoluteLifetime' | 'sessionIdleTimeout' | 'refreshTokenLifetime'>;
  store: Store;
  revocation: Revocation;
  clock: Clock;
}): SessionUseCases {
  const { settings, store, revocation, clock } = deps;
  const ago = (seconds: number) => new Date(clock() - seconds * 1000);
  return {
    async start(family) {
      if (settings.sessionsPerUser <= 0) return store.families.create(family);
      const { started, ended } = await store.families.startWithinLimit(family, {
        limit: settings.sessionsPerUser,
        policy: settings.sessionLimitPolicy,
        usedSince: ago(settings.refreshTokenLifetime),
        expiredBefore: settings.sessionAbsoluteLifetime > 0 ? ago(settings.sessionAbsoluteLifetime) : null,
        idleBefore: settings.sessionIdleTimeout > 0 ? ago(settings.sessionIdleTimeout) : null,
      });
      await revocation.announceEnded(ended, family.at);
      if (!started) throw new PermissionDenied(SESSION_LIMIT_REACHED.detail, SESSION_LIMIT_REACHED.code, true);
    },
    async endAll(userId, { reason = 'logout', keep } = {}) {
      const at = new Date(clock());
      let ended = 0;
      for (const family of await store.families.liveFamilies(userId)) {
        if (family !== keep?.family && (await revocation.revokeFamily(family, at, reason))) ended += 1;
      }
      if (!keep) await revocation.revokeAllForUser(userId, at);
      ended += await store.sessions.deleteForUser(userId);
      return ended;
    },
  };
}
