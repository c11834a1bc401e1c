import { decodeUid } from '../accounts/index.js';
import { findLoginUser, REFRESH_COOKIE_NAME, tokenFromCookie, type LoginReservation } from '../auth/index.js';
import type { Tessera } from '../core/index.js';
import type { LoginField } from '../settings/index.js';
import type { User } from '../store/index.js';
import { challengeAccount } from '../core/index.js';
import { auditDetailOf, auditEventOf, auditSubjectOf } from './audit-notes.js';
import { accountNamedBy, accountOfUser, LOGIN_FAILURE_STATUSES, namesCredentials } from './login-account.js';
import type { ViewConfig, ViewRequest } from './view.js';

/**
 * The account a login-like request is for: the one its body names, else the one its login
 * challenge names (the second step shares the password's throttle), else the signed-in user's
 * (re-authentication sends only a password, and shares the user's login throttle).
 */
function accountOf(request: ViewRequest, loginField: LoginField): string | null {
  return accountNamedBy(request.data, loginField) ?? challengeAccountOf(request.data, loginField) ?? (request.user ? accountOfUser(request.user, loginField) : null);
}

/** The account a second step's challenge names (its login name, as the first step's body named it). */
function challengeAccountOf(data: unknown, loginField: LoginField): string | null {
  const challenge = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).challenge : undefined;
  const account = challengeAccount(challenge);
  return account === null ? null : accountNamedBy({ [loginField]: account }, loginField);
}

/** One request as throttling and the audit log see it. */
export interface GuardedCall {
  request: ViewRequest;
  /** The route's URL pattern, recorded as the event's `path`. */
  route: string;
  config: ViewConfig | undefined;
}

/**
 * Throttling and the audit log for views that ask (`config.throttle`, `config.audit`), for every
 * adapter: the throttle runs after authentication and permissions (DRF's order) and takes a
 * login's failure counts before its password check; the answer's status then settles them
 * (given back unless the login failed) and writes the audit row before the answer leaves (so no
 * query outlives its request). A failed audit write is logged, never failing the request.
 */
export class AbuseControl {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly tessera: Tessera, private readonly logError: (message: string, detail: Record<string, unknown>) => void) {}

  /** Whether the view needs `settle` after its answer (the hot path skips both). */
  static watches(config: ViewConfig | undefined): boolean {
    return Boolean(config?.audit || config?.throttle);
  }

  /** The throttle's check for the view's scope: the reservation to settle, or a thrown `Throttled`. */
  async reserve(call: GuardedCall): Promise<LoginReservation | null> {
    const scope = call.config?.throttle;
    if (!scope || !this.tessera.throttle.enabled) return null;
    const { loginField } = this.tessera.settings;
    const account = scope === 'login' ? accountOf(call.request, loginField) : accountNamedBy(call.request.data, loginField);
    return this.tessera.throttle.check(scope, call.request.ip, account);
  }

  /** After the answer's status is known: the login's counts settled, its audit event written. */
  async settle(call: GuardedCall, status: number, reservation: LoginReservation | null): Promise<void> {
    const { config } = call;
    let loggedIn: Pick<User, 'id' | 'username'> | null = null;
    if (config?.audit === 'login' && status >= 200 && status < 300) loggedIn = await this.loggedIn(call);
    if (reservation) {
      // Malformed bodies (no username or password) are 400 too, but no guess: they do not count.
      // Only a login's reservation holds failure counts: another scope's has nothing to give back.
      const failed = LOGIN_FAILURE_STATUSES.has(status) && namesCredentials(call.request.data, accountOf(call.request, this.tessera.settings.loginField));
      if (!failed) await reservation.giveBack();
    }
    if (config?.audit === 'login' && this.tessera.metrics) this.countLogin(call, status);
    if (!config?.audit) return;
    const work = this.record(call, status, loggedIn).catch((error: unknown) => {
      this.logError('audit event could not be written', { reason: (error as Error).message });
    });
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
    await work;
  }

  /**
   * `tessera_login_attempts_total`, as the audit log sees logins: a success is a login recorded
   * as succeeded (a second-factor challenge is not one yet), a failure one recorded as failed, and
   * a login the throttle refused counts as throttled.
   */
  private countLogin(call: GuardedCall, status: number): void {
    const metrics = this.tessera.metrics!;
    if (status === 429) return metrics.loginAttempt('throttled');
    if ((auditEventOf(call.request) ?? 'login') !== 'login') return;
    if (status >= 200 && status < 300) return metrics.loginAttempt('success');
    const account = accountOf(call.request, this.tessera.settings.loginField);
    if (LOGIN_FAILURE_STATUSES.has(status) && namesCredentials(call.request.data, account)) metrics.loginAttempt('failure');
  }

  /** Waits for audit writes still running (closing the server). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  /** Who logged in: whom the view named (a passkey's owner, a challenge's), the authenticated user, else the account the body named, looked up while the request is in flight. */
  private async loggedIn(call: GuardedCall): Promise<Pick<User, 'id' | 'username'> | null> {
    const named = auditSubjectOf(call.request) ?? call.request.user;
    if (named) return named;
    const { settings, store } = this.tessera;
    const account = accountNamedBy(call.request.data, settings.loginField);
    return account === null ? null : findLoginUser(store.users, settings.loginField, account).catch(() => null);
  }

  private async record(call: GuardedCall, status: number, loggedIn: Pick<User, 'id' | 'username'> | null): Promise<void> {
    const { request, config } = call;
    const action = auditEventOf(request) ?? config!.audit!;
    const detail = { path: call.route, status, ...auditDetailOf(request) };
    const base = { ip: request.ip, userAgent: String(request.headers['user-agent'] ?? ''), detail };
    const { audit } = this.tessera;
    if (action === 'login') {
      const account = accountOf(request, this.tessera.settings.loginField);
      if (status >= 200 && status < 300) {
        await audit.record({ type: 'login_succeeded', userId: loggedIn?.id ?? null, username: loggedIn?.username ?? account, ...base });
      } else if (LOGIN_FAILURE_STATUSES.has(status) && namesCredentials(request.data, account)) {
        await audit.record({ type: 'login_failed', userId: null, username: account, ...base });
      }
      return;
    }
    if (status < 200 || status >= 300) return;
    const user = auditSubjectOf(request) ?? request.user ?? (await this.userNamedByBody(request).catch(() => null));
    if (action === 'password_reset' && user) {
      // The owner proved control of the account: its failed logins no longer count.
      await this.tessera.throttle.clearFailures(accountOfUser(user, this.tessera.settings.loginField)).catch(() => undefined);
    }
    await audit.record({ type: action, userId: user?.id ?? null, username: user?.username ?? null, ...base });
  }

  /** The user a token (`refresh`, `token`) or a djoser `uid` in the body names, without trusting it beyond a lookup. */
  private async userNamedByBody(request: ViewRequest): Promise<User | null> {
    const data = request.data;
    const body = (data !== null && typeof data === 'object' && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
    const { settings, store } = this.tessera;
    if (typeof body.uid === 'string') {
      const id = decodeUid(body.uid);
      return id === null ? null : store.users.findById(id);
    }
    const token = typeof body.refresh === 'string' ? body.refresh : typeof body.token === 'string' ? body.token
      // Cookie mode's refresh and logout may come with no body: the browser sent the token.
      : tokenFromCookie(request, REFRESH_COOKIE_NAME);
    if (!token) return null;
    const payload = token.split('.')[1];
    if (!payload) return null;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const value = claims[settings.userIdClaim] ?? claims.user_id;
    if (settings.userIdField === 'username' && typeof value === 'string') return store.users.findByUsername(value);
    if (typeof value === 'number' && Number.isInteger(value)) return store.users.findById(value);
    return null;
  }
}
