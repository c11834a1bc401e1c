import type { Clock } from '../settings/index.js';
import type { FamilyEndReason, Store } from '../store/index.js';
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

/** Ending sessions: written once, for every route, adapter and CLI command that ends them. */
export interface SessionUseCases {
  /**
   * Ends every session of the user: their token families (each with `reason`), their Django
   * `sessionid` logins, and (unless a family is kept) every JWT issued so far; every process
   * refuses them at once (Redis) or at its next poll. Answers how many sessions ended.
   */
  endAll(userId: number, options?: EndSessionsOptions): Promise<number>;
}

export function sessionUseCases(deps: { store: Store; revocation: Revocation; clock: Clock }): SessionUseCases {
  const { store, revocation, clock } = deps;
  return {
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
