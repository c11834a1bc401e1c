import type { Authenticated, Authenticator } from './authenticator.js';
import { parseCookies } from './cookies.js';
import { enforceCsrf, type CsrfContext, type CsrfRequest } from './csrf.js';
import { SESSION_COOKIE_NAME, type SessionManager } from './sessions.js';

/**
 * DRF's `SessionAuthentication`: the user of the `sessionid` cookie's session, with Django's CSRF
 * check on unsafe methods once a session user is found. No challenge: failures answer 403.
 */
export class SessionAuthentication implements Authenticator {
  constructor(
    private readonly sessions: SessionManager,
    private readonly csrf: CsrfContext,
  ) {}

  async authenticate(request: CsrfRequest): Promise<Authenticated | null> {
    const key = parseCookies(request).get(SESSION_COOKIE_NAME);
    if (!key) return null;
    const user = await this.sessions.userFor(key);
    // No session user: unauthenticated, and no CSRF check (DRF's order).
    if (!user) return null;
    enforceCsrf(request, this.csrf);
    return { user, token: null };
  }

  authenticateHeader(): null {
    return null;
  }
}
