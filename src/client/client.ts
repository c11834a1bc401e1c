import { crossTab, type CrossTab, type TabMessage } from './cross-tab.js';
import { SecondFactorRequiredError, TesseraHttpError } from './errors.js';
import { discard, documentCsrfToken, isRecord, readBody, tokensIn, withBearer } from './http.js';
import { numericClaim } from './jwt-payload.js';
import { memoryStorage } from './storage.js';
import type { LogoutReason, SessionEndReason, TesseraClientOptions, TokenStorage } from './types.js';

const ACCESS_KEY = 'tessera.access';
const REFRESH_KEY = 'tessera.refresh';
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
/** The header the server reads on login, refresh and logout to pick cookie or body (src/contract/transport.ts). */
const TRANSPORT_HEADER = 'x-tessera-transport';
/** Stored in place of the refresh token in cookie mode: signed in, the token itself is in the HttpOnly cookie. */
const IN_COOKIE = 'cookie';

interface Tokens {
  access: string | null;
  refresh: string | null;
}

/**
 * A fetch client that signs in, keeps the token pair in a storage of your choice, adds the
 * Authorization header, and refreshes shortly before expiry or on a 401 (once, retrying the
 * request once), with one refresh in flight shared by every concurrent caller, and in browsers
 * by every tab of the origin (a Web Lock, and a BroadcastChannel that carries the outcome).
 */
export class TesseraClient {
  readonly #baseUrl: string;
  readonly #storage: TokenStorage;
  readonly #fetch: typeof fetch;
  readonly #leewayMs: number;
  readonly #urls: { obtain: string; refresh: string; blacklist: string; reauthenticate: string; secondFactor: string; passkey: string };
  readonly #onLogout: ((reason: LogoutReason, ended?: SessionEndReason) => void) | undefined;
  readonly #onTokens: TesseraClientOptions['onTokens'];
  readonly #now: () => number;
  readonly #cookies: boolean;
  /** The token calls' headers: JSON, and `X-Tessera-Transport` unless told to leave it to the server. */
  readonly #tokenHeaders: Record<string, string>;
  readonly #csrfToken: () => string | null;
  /** Server clock minus local clock, learnt from the `iat` of access tokens received, so a wrong local clock does not refresh too early or too late. */
  #serverOffsetMs = 0;
  #refreshing: Promise<boolean> | null = null;
  readonly #loginField: 'username' | 'email';
  /** Bumped on every sign-out so a refresh that was in flight does not store tokens afterwards. */
  #generation = 0;
  readonly #tabs: CrossTab;
  /** What other tabs told this one, applied in order; a refresh waits for it before reading storage. */
  #hearing: Promise<void> = Promise.resolve();
  /**
   * The refresh token (or cookie marker) this client last read or stored: with a storage shared by
   * tabs, the one that signed out has already emptied it, and this says the news is about our session.
   */
  #lastRefresh: string | null = null;
  /** The challenge of a login waiting for its second factor (`completeLogin`, `loginWithRecoveryCode`). */
  #challenge: string | null = null;

  constructor(options: TesseraClientOptions = {}) {
    this.#baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.#storage = options.storage ?? memoryStorage();
    // Wrapped: a browser's fetch called as a method of another object throws "Illegal invocation".
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#leewayMs = (options.refreshLeeway ?? 30) * 1000;
    this.#urls = {
      obtain: options.urls?.obtain ?? '/api/token/',
      refresh: options.urls?.refresh ?? '/api/token/refresh/',
      blacklist: options.urls?.blacklist ?? '/api/token/blacklist/',
      reauthenticate: options.urls?.reauthenticate ?? '/api/token/reauthenticate/',
      secondFactor: options.urls?.secondFactor ?? '/api/token/2fa/',
      passkey: options.urls?.passkey ?? '/api/token/passkey/',
    };
    this.#onLogout = options.onLogout;
    this.#onTokens = options.onTokens;
    this.#now = options.now ?? Date.now;
    this.#loginField = options.loginField ?? 'username';
    this.#cookies = options.cookies ?? options.transport === 'cookie';
    if (options.cookies !== undefined && options.transport && options.cookies !== (options.transport === 'cookie')) {
      throw new TypeError(`TesseraClient: cookies: ${options.cookies} contradicts transport: '${options.transport}'`);
    }
    const transport = options.transport === undefined ? (this.#cookies ? 'cookie' : 'body') : options.transport;
    this.#tokenHeaders = { ...JSON_HEADERS, ...(transport ? { [TRANSPORT_HEADER]: transport } : {}) };
    this.#csrfToken = options.csrfToken ?? documentCsrfToken;
    this.#tabs = crossTab(`tessera ${this.#url(this.#urls.refresh)}`, (message) => {
      this.#hearing = this.#hearing.then(() => this.#hear(message)).catch(() => undefined);
    });
  }

  /**
   * Obtains a token pair with a username (or, with `loginField: 'email'`, an email) and password;
   * throws TesseraHttpError when refused. For a user with a second factor the server answers a
   * challenge instead: this throws {@link SecondFactorRequiredError} and keeps the challenge, and
   * `completeLogin(code)` or `loginWithRecoveryCode(code)` finishes the login.
   */
  async login(login: string, password: string, extra: { deviceName?: string; loginField?: 'username' | 'email' } = {}): Promise<void> {
    // The body names the account as the server's `loginField` does: `username`, or `email`.
    const credentials: Record<string, string> = { [extra.loginField ?? this.#loginField]: login, password };
    if (extra.deviceName) credentials.device_name = extra.deviceName;
    this.#challenge = null;
    await this.#signIn(this.#urls.obtain, credentials);
  }

  /**
   * Finishes a login that threw {@link SecondFactorRequiredError} with a code from the user's
   * authenticator app. Throws TesseraHttpError when refused: 400 `{"code": ["Invalid code."]}` (try
   * again with the next code), 401 `challenge_not_valid` (the challenge expired or was used: call
   * `login` again), 429 when throttled.
   */
  async completeLogin(code: string): Promise<void> {
    await this.#answerChallenge({ code });
  }

  /** Finishes a login that threw {@link SecondFactorRequiredError} with one of the user's recovery codes (each works once). */
  async loginWithRecoveryCode(recoveryCode: string): Promise<void> {
    await this.#answerChallenge({ recovery_code: recoveryCode });
  }

  /** Whether a login is waiting for its second factor. */
  get awaitingSecondFactor(): boolean {
    return this.#challenge !== null;
  }

  async #answerChallenge(answer: Record<string, string>): Promise<void> {
    const challenge = this.#challenge;
    if (challenge === null) throw new Error('No login is waiting for a second factor: call login() first.');
    try {
      await this.#signIn(this.#urls.secondFactor, { challenge, ...answer });
    } catch (error) {
      // A wrong code may be tried again; a challenge the server no longer takes may not.
      if (error instanceof TesseraHttpError && error.status === 401) this.#challenge = null;
      throw error;
    }
  }

  /**
   * Signs in with a passkey: `assertion` is the browser's `AuthenticationResponseJSON`
   * (@simplewebauthn/browser's `startAuthentication` over the options of
   * `POST /api/token/passkey/options/`); the pair is stored as at login. Throws TesseraHttpError
   * when refused (401 `passkey_not_valid`).
   */
  async loginWithPasskey(assertion: object, extra: { deviceName?: string } = {}): Promise<void> {
    this.#challenge = null;
    await this.#signIn(this.#urls.passkey, { ...assertion, ...(extra.deviceName ? { device_name: extra.deviceName } : {}) });
  }

  /** A call that answers a pair (login, its second step): stored as a new session; a challenge is kept and thrown. */
  async #signIn(path: string, proof: object): Promise<void> {
    const response = await this.#fetch(this.#url(path), {
      method: 'POST',
      headers: this.#tokenHeaders,
      body: JSON.stringify(proof),
      ...(this.#cookies ? { credentials: 'include' as const } : {}),
    });
    const body = await readBody(response);
    if (response.ok && isRecord(body) && typeof body.challenge === 'string') {
      this.#challenge = body.challenge;
      throw new SecondFactorRequiredError(body);
    }
    const pair = tokensIn(body);
    if (!response.ok || !pair) throw new TesseraHttpError(response.status, body);
    this.#challenge = null;
    this.#generation++;
    // No refresh token in the body: cookie mode keeps it in an HttpOnly cookie; none of an earlier session may linger.
    if (!pair.refresh) await this.#storage.remove(REFRESH_KEY);
    await this.#store({ access: pair.access, refresh: pair.refresh ?? (this.#cookies ? IN_COOKIE : null) });
  }

  /**
   * Proves the password again for a route that answered 403 `reauthentication_required`: the
   * server answers tokens whose login time (`auth_time`) is now, in the same session, and they are
   * stored as at login (cookie mode: the refresh token in its cookie) and handed to the other tabs
   * of the session. Throws TesseraHttpError when refused: 400 `{"password": ["Invalid password."]}`
   * for a wrong password, 401 when signed out.
   */
  async reauthenticate(password: string): Promise<void> {
    await this.#reauthenticate({ password });
  }

  /**
   * {@link reauthenticate} with a code from the user's authenticator app instead of the password
   * (a user with a second factor); 400 `{"code": ["Invalid code."]}` when wrong or used already.
   */
  async reauthenticateWithCode(code: string): Promise<void> {
    await this.#reauthenticate({ code });
  }

  async #reauthenticate(proof: { password: string } | { code: string }): Promise<void> {
    // A refresh in flight would otherwise store its older tokens over the fresh ones.
    await this.#refreshing?.catch(() => false);
    const generation = this.#generation;
    const response = await this.fetch(this.#urls.reauthenticate, {
      method: 'POST',
      headers: this.#tokenHeaders,
      body: JSON.stringify(proof),
      ...(this.#cookies ? { credentials: 'include' as const } : {}),
    });
    const body = await readBody(response);
    const pair = tokensIn(body);
    if (!response.ok || !pair) throw new TesseraHttpError(response.status, body);
    if (generation !== this.#generation) return; // Signed out meanwhile: the answer must not sign back in.
    // Read now, not before the call: a tab may have rotated the session meanwhile, and the others hold its token.
    await this.#hearing;
    const previous = await this.#storage.get(REFRESH_KEY);
    const refresh = pair.refresh ?? (this.#cookies ? IN_COOKIE : previous);
    await this.#store({ access: pair.access, refresh });
    if (previous) this.#tabs.tell({ type: 'tokens', previous, access: pair.access, refresh: pair.refresh });
  }

  /** Signs out (every tab of this session too): forgets the tokens, blacklists the refresh token (best effort), calls onLogout('logout'). */
  async logout(): Promise<void> {
    await this.#refreshing?.catch(() => false);
    // Under the lock: a tab refreshing now would store a successor of the token blacklisted here.
    await this.#tabs.exclusive(async () => {
      await this.#hearing;
      const refresh = await this.#storage.get(REFRESH_KEY);
      await this.#clear();
      if (!refresh) return;
      this.#tabs.tell({ type: 'ended', previous: refresh, reason: 'logout' });
      try {
        const response = await this.#fetch(this.#url(this.#urls.blacklist), this.#tokenCall(refresh));
        await discard(response);
      } catch {
        // Offline or server down: the tokens are gone from here, and the refresh token expires anyway.
      }
    });
    this.#onLogout?.('logout');
  }

  /** fetch with the Bearer token; refreshes before expiry, or on a 401 once and retries once. */
  async fetch(input: string, init: RequestInit = {}): Promise<Response> {
    const url = this.#url(input);
    // A caller that sets its own Authorization header means it: leave it and its answer alone.
    if (new Headers(init.headers).has('authorization')) return this.#fetch(url, init);
    const sent = await this.accessToken();
    const response = await this.#fetch(url, withBearer(init, sent));
    if (response.status !== 401 || sent === null) return response;
    if (!(await this.#refreshOnce(sent))) return response;
    const access = await this.#storage.get(ACCESS_KEY);
    if (!access || access === sent) return response;
    await discard(response);
    return this.#fetch(url, withBearer(init, access));
  }

  /** JSON in and out through {@link fetch}; throws TesseraHttpError on non-2xx; 204 gives undefined. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit =
      body === undefined
        ? { method, headers: { accept: 'application/json' } }
        : { method, headers: JSON_HEADERS, body: JSON.stringify(body) };
    const response = await this.fetch(path, init);
    const answer = await readBody(response);
    if (!response.ok) throw new TesseraHttpError(response.status, answer);
    return (response.status === 204 ? undefined : answer) as T;
  }

  /** An access token good for a while yet (refreshing if needed), or null when signed out. */
  async accessToken(): Promise<string | null> {
    const { access, refresh } = await this.#read();
    if (access && !this.#expiring(access)) return access;
    if (!refresh) return access;
    await this.#refreshOnce(access);
    return this.#storage.get(ACCESS_KEY);
  }

  /** Whether there is a usable token (refreshing if the access token is about to expire). */
  async isSignedIn(): Promise<boolean> {
    return (await this.accessToken()) !== null;
  }

  /** Refreshes now (joining a refresh already in flight); false when refused or unreachable. */
  refresh(): Promise<boolean> {
    return this.#refreshOnce(undefined);
  }

  /** One refresh in flight, shared by every caller; `basis` is the access token the caller found wanting (undefined: forced). */
  #refreshOnce(basis: string | null | undefined): Promise<boolean> {
    this.#refreshing ??= this.#refreshAcrossTabs(basis).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /** One tab at a time refreshes; the others wait for the lock and then find its tokens instead of refreshing again. */
  async #refreshAcrossTabs(basis: string | null | undefined): Promise<boolean> {
    const { access, refresh } = await this.#read();
    if (!refresh) return false;
    // Forced: the token held now is the one to replace; any other one a tab stores while we wait will do.
    const wanting = basis === undefined ? access : basis;
    if (this.#renewedSince(access, wanting)) return true;
    return this.#tabs.exclusive(() => this.#runRefresh(wanting));
  }

  /** Whether `access` is a good token other than the one the caller found wanting: someone refreshed already. */
  #renewedSince(access: string | null, wanting: string | null): access is string {
    return access !== null && access !== wanting && !this.#expiring(access);
  }

  async #runRefresh(wanting: string | null): Promise<boolean> {
    await this.#hearing;
    const generation = this.#generation;
    const stored = await this.#read();
    if (!stored.refresh) return false; // Signed out meanwhile (here or in another tab).
    // Another tab refreshed while this one waited for the lock: its tokens are ours, the old refresh token is spent.
    if (this.#renewedSince(stored.access, wanting)) return true;

    let response: Response;
    try {
      response = await this.#fetch(this.#url(this.#urls.refresh), this.#tokenCall(stored.refresh));
    } catch {
      return false; // Unreachable: keep the tokens and try again on the next call.
    }
    const body = await readBody(response);
    if (generation !== this.#generation) return false; // Signed out (or in again) meanwhile.
    const answered = tokensIn(body);
    if (response.ok && answered) {
      // Without ROTATE_REFRESH_TOKENS the answer has no refresh token: the old one stays good.
      await this.#store({ access: answered.access, refresh: answered.refresh ?? stored.refresh });
      this.#tabs.tell({ type: 'tokens', previous: stored.refresh, access: answered.access, refresh: answered.refresh });
      return true;
    }
    if (response.status !== 401 && response.status !== 400) return false; // 5xx, 429: not a verdict on the token.

    // Without Web Locks another tab may have renewed the session while our request was out (a
    // rotated token; in cookie mode a new access token beside the same marker): keep its tokens.
    const now = await this.#read();
    if (now.refresh && (now.refresh !== stored.refresh || now.access !== stored.access)) return true;
    const ended = sessionEndReason(body);
    const reason = this.#refusalReason(body, stored.refresh, ended);
    await this.#clear();
    this.#tabs.tell({ type: 'ended', previous: stored.refresh, reason, ...(ended ? { ended } : {}) });
    if (ended) this.#onLogout?.(reason, ended);
    else this.#onLogout?.(reason);
    return false;
  }

  /** Another tab's news: adopted only when it is about the session this client holds. */
  async #hear(message: TabMessage): Promise<void> {
    const stored = await this.#storage.get(REFRESH_KEY);
    if (message.type === 'tokens') {
      const refresh = message.refresh ?? message.previous;
      // Our storage still holds the predecessor, or (shared storage) already the successor.
      if (stored !== message.previous && stored !== refresh) return;
      await this.#store({ access: message.access, refresh });
      return;
    }
    // Ended: our storage still holds that session, or (shared storage) is empty because of it.
    if (stored !== message.previous && !(stored === null && this.#lastRefresh === message.previous)) return;
    await this.#clear();
    if (message.ended) this.#onLogout?.(message.reason, message.ended);
    else this.#onLogout?.(message.reason);
  }

  /** A POST carrying a refresh token: in the body, or (cookie mode) in the cookie with Django's CSRF header. */
  #tokenCall(refresh: string): RequestInit {
    if (refresh !== IN_COOKIE) return { method: 'POST', headers: this.#tokenHeaders, body: JSON.stringify({ refresh }) };
    const csrf = this.#csrfToken();
    return {
      method: 'POST',
      headers: { ...this.#tokenHeaders, ...(csrf ? { 'x-csrftoken': csrf } : {}) },
      body: '{}',
      credentials: 'include',
    };
  }

  #refusalReason(body: unknown, refresh: string, ended: SessionEndReason | null): LogoutReason {
    if (isRecord(body) && body.code === 'token_reused') return 'reused';
    if (ended) return ended === 'evicted' ? 'revoked' : 'expired';
    const exp = numericClaim(refresh, 'exp');
    return exp !== null && exp * 1000 <= this.#serverNow() ? 'expired' : 'revoked';
  }

  #expiring(access: string): boolean {
    const exp = numericClaim(access, 'exp');
    if (exp === null) return false; // No expiry claim: only a 401 tells.
    return exp * 1000 - this.#leewayMs <= this.#serverNow();
  }

  #serverNow(): number {
    return this.#now() + this.#serverOffsetMs;
  }

  async #read(): Promise<Tokens> {
    const [access, refresh] = await Promise.all([this.#storage.get(ACCESS_KEY), this.#storage.get(REFRESH_KEY)]);
    this.#lastRefresh = refresh;
    return { access, refresh };
  }

  async #store(tokens: { access: string; refresh: string | null }): Promise<void> {
    const issuedAt = numericClaim(tokens.access, 'iat');
    if (issuedAt !== null) this.#serverOffsetMs = issuedAt * 1000 - this.#now();
    await this.#storage.set(ACCESS_KEY, tokens.access);
    if (tokens.refresh) await this.#storage.set(REFRESH_KEY, tokens.refresh);
    this.#lastRefresh = tokens.refresh; // null only at a login without one, after removing the old one.
    this.#onTokens?.({ access: tokens.access, refresh: tokens.refresh === IN_COOKIE ? null : tokens.refresh });
  }

  async #clear(): Promise<void> {
    this.#generation++;
    await this.#storage.remove(ACCESS_KEY);
    await this.#storage.remove(REFRESH_KEY);
    this.#lastRefresh = null;
    this.#onTokens?.({ access: null, refresh: null });
  }

  #url(path: string): string {
    return /^[a-z][a-z\d+.-]*:/i.test(path) ? path : `${this.#baseUrl}${path}`;
  }
}

/** Why session policy ended the session, when the refusal says so (`reason` beside "Session has expired"). */
function sessionEndReason(body: unknown): SessionEndReason | null {
  if (!isRecord(body) || body.code !== 'token_not_valid') return null;
  return body.reason === 'expired' || body.reason === 'idle' || body.reason === 'evicted' ? body.reason : null;
}
