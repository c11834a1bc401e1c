/** Where the client keeps its tokens; sync (localStorage) or async (IndexedDB, secure stores) both work. */
export interface TokenStorage {
  get(key: string): string | null | Promise<string | null>;
  set(key: string, value: string): void | Promise<void>;
  remove(key: string): void | Promise<void>;
}

/** Why the client signed out: asked to, refresh expired, refresh reuse detected, or refresh revoked. */
export type LogoutReason = 'logout' | 'expired' | 'reused' | 'revoked';

/**
 * Why the server's session policy ended the session, when its refusal says so ("Session has
 * expired" with `reason`): `expired` (its absolute lifetime), `idle` (unused too long), `evicted`
 * (a newer login past the per-user limit). onLogout's first argument is then `expired` for the
 * first two and `revoked` for the last, as before.
 */
export type SessionEndReason = 'expired' | 'idle' | 'evicted';

/** Options of {@link TesseraClient}. */
export interface TesseraClientOptions {
  /** '' = same origin. */
  baseUrl?: string;
  /** memoryStorage() by default. */
  storage?: TokenStorage;
  fetch?: typeof fetch;
  /** Seconds before access expiry to refresh proactively, default 30. */
  refreshLeeway?: number;
  /** Defaults /api/token/, /api/token/refresh/, /api/token/blacklist/. */
  urls?: { obtain?: string; refresh?: string; blacklist?: string };
  /** Refresh refused; 'reused' when the answer has code "token_reused"; `ended` when the server said why (session policy). */
  onLogout?: (reason: LogoutReason, ended?: SessionEndReason) => void;
  onTokens?: (tokens: { access: string | null; refresh: string | null }) => void;
  /**
   * The server runs cookie mode (`authCookies`): the refresh token lives in an HttpOnly cookie the
   * client never sees, so refresh and logout send no token but the CSRF header, with credentials.
   */
  cookies?: boolean;
  /** Django's CSRF token for cookie mode; by default the `csrftoken` cookie of `document.cookie`. */
  csrfToken?: () => string | null;
  /** The local clock in milliseconds (Date.now by default); tests pass the server's clock. */
  now?: () => number;
}
