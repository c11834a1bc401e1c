/** Where the client keeps its tokens; sync (localStorage) or async (IndexedDB, secure stores) both work. */
export interface TokenStorage {
  get(key: string): string | null | Promise<string | null>;
  set(key: string, value: string): void | Promise<void>;
  remove(key: string): void | Promise<void>;
}

/** Why the client signed out: asked to, refresh expired, refresh reuse detected, or refresh revoked. */
export type LogoutReason = 'logout' | 'expired' | 'reused' | 'revoked';

/** Where the refresh token travels: tessera's HttpOnly cookie, or the answer's body. */
export type Transport = 'cookie' | 'body';

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
  /** Defaults /api/token/, /api/token/refresh/, /api/token/blacklist/, /api/token/reauthenticate/, /api/token/2fa/, /api/token/passkey/. */
  urls?: { obtain?: string; refresh?: string; blacklist?: string; reauthenticate?: string; secondFactor?: string; passkey?: string };
  /** Refresh refused; 'reused' when the answer has code "token_reused"; `ended` when the server said why (session policy). */
  onLogout?: (reason: LogoutReason, ended?: SessionEndReason) => void;
  onTokens?: (tokens: { access: string | null; refresh: string | null }) => void;
  /**
   * Cookie mode: the client asks for it (`X-Tessera-Transport: cookie`, or the server's
   * `authCookies` by default), and the refresh token lives in an HttpOnly cookie the client never
   * sees, so refresh and logout send no token but the CSRF header, with credentials.
   */
  cookies?: boolean;
  /**
   * How the client asks the server for the refresh token, in `X-Tessera-Transport` on login,
   * refresh and logout: `'cookie'` (tessera's HttpOnly cookie; implies `cookies`), `'body'`
   * (Simple JWT's pair in the body), or `null` to send no header and leave it to the server's
   * `authCookies` (a server that does not know the header, or whose CORS does not let it through).
   * Default: `'cookie'` with `cookies: true`, else `'body'`, whatever the server's default.
   */
  transport?: Transport | null;
  /** Django's CSRF token for cookie mode; by default the `csrftoken` cookie of `document.cookie`. */
  csrfToken?: () => string | null;
  /** The local clock in milliseconds (Date.now by default); tests pass the server's clock. */
  now?: () => number;
  /** What `login` names the account by: the server's `loginField`, `'username'` (the default) or `'email'`. */
  loginField?: 'username' | 'email';
}
