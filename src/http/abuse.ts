import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { decodeUid } from '../accounts/index.js';
import { REFRESH_COOKIE_NAME, tokenFromCookie } from '../auth/index.js';
import { normalizeUsername, type AuditEventType, type AuditLog, type User } from '../store/index.js';
import { requestData } from './body.js';
import type { LoginReservation, Throttle, ThrottleScope } from '../auth/index.js';
import { accountOf, LOGIN_FAILURE_STATUSES } from './throttle.js';

/** What a route's answer is recorded as (`config.audit`): `login` is `login_succeeded` or `login_failed`. */
export type AuditedAction = 'login' | AuditEventType;

interface Seen {
  account: string | null;
  /** The body named an account and a password: a real credentials check, whose failure counts. */
  credentials: boolean;
  /** Who logged in, looked up before the answer left (a successful login). */
  user?: User | null;
}

/** Each login's failure counts, taken before its password check and settled with its answer. */
const reservations = new WeakMap<FastifyRequest, LoginReservation>();

/** What routes add to their audit event's `detail` (`addAuditDetail`). */
const auditDetails = new WeakMap<FastifyRequest, Record<string, unknown>>();

/** Adds to the `detail` of the event `config.audit` records for this request (never a secret). */
export function addAuditDetail(request: FastifyRequest, detail: Record<string, unknown>): void {
  auditDetails.set(request, { ...auditDetails.get(request), ...detail });
}

/** Whom routes say their audit event is about, when not the requester (staff acting on an account). */
const auditSubjects = new WeakMap<FastifyRequest, User>();

/** Records this request's `config.audit` event as about `user` (the requester stays in `detail` if the route adds it). */
export function setAuditSubject(request: FastifyRequest, user: User): void {
  auditSubjects.set(request, user);
}

/**
 * Throttling and the audit log for every route that asks (`config.throttle`, `config.audit`):
 * the throttle runs after authentication and permissions (DRF's order); failed logins count
 * and audit rows are written as the answer goes out (so no query outlives its request), and a
 * failed write is logged once, never failing the request.
 */
export function registerAbuseHooks(app: FastifyInstance, throttle: Throttle, audit: AuditLog): void {
  const seen = new WeakMap<FastifyRequest, Seen>();
  /** What the request's body names, read once. */
  const seenOf = (request: FastifyRequest): Seen => {
    let entry = seen.get(request);
    if (!entry) {
      const account = accountOf(request);
      const data = requestData(request) as Record<string, unknown> | null;
      const password = data !== null && typeof data === 'object' ? data.password : undefined;
      entry = { account, credentials: account !== null && typeof password === 'string' && password !== '' };
      seen.set(request, entry);
    }
    return entry;
  };
  const accountFor = (request: FastifyRequest): string | null => seenOf(request).account;

  // Closing the server waits for audit work still running.
  const pending = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...pending]);
  });

  /** A login's outcome: who logged in (looked up while the request is in flight), or a failure that counts. */
  const recordLoginOutcome = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { config } = request.routeOptions;
    if (config?.audit === 'login' && reply.statusCode >= 200 && reply.statusCode < 300) {
      const account = accountFor(request);
      const user = request.user ?? (account === null ? null : await app.tessera.store.users.findByUsername(account).catch(() => null));
      seenOf(request).user = user;
    }
    const reservation = reservations.get(request);
    if (!reservation) return;
    reservations.delete(request);
    // Malformed bodies (no username or password) are 400 too, but no guess: they do not count.
    const failed = LOGIN_FAILURE_STATUSES.has(reply.statusCode) && seenOf(request).credentials;
    if (!failed) await reservation.giveBack();
  };

  const recordAudit = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const work = auditAnswer(request, reply).catch((error: unknown) => {
      request.log.error({ reason: (error as Error).message }, 'audit event could not be written');
    });
    pending.add(work);
    void work.finally(() => pending.delete(work));
    await work;
  };

  // Hooks go on the routes that ask for them only, so other requests (the hot path) pay nothing.
  app.addHook('onRoute', (route: RouteOptions) => {
    const scope = route.config?.throttle;
    const action = route.config?.audit;
    if (scope && throttle.enabled) {
      const check = async (request: FastifyRequest): Promise<void> => {
        reservations.set(request, await throttle.check(scope, request.ip, accountFor(request)));
      };
      route.preHandler = [...[route.preHandler ?? []].flat(), check];
    }
    const onSend = [
      ...(action === 'login' || scope === 'login' ? [recordLoginOutcome] : []),
      ...(action ? [recordAudit] : []),
    ];
    if (onSend.length > 0) route.onSend = [...[route.onSend ?? []].flat(), ...onSend];
  });

  async function auditAnswer(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const action = request.routeOptions.config?.audit;
    if (!action) return;
    const status = reply.statusCode;
    const detail = { path: request.routeOptions.url, status, ...auditDetails.get(request) };
    const base = { ip: request.ip, userAgent: String(request.headers['user-agent'] ?? ''), detail };
    if (action === 'login') {
      const account = accountFor(request);
      if (status >= 200 && status < 300) {
        const user = seen.get(request)?.user ?? request.user;
        await audit.record({ type: 'login_succeeded', userId: user?.id ?? null, username: user?.username ?? account, ...base });
      } else if (LOGIN_FAILURE_STATUSES.has(status) && seen.get(request)?.credentials) {
        await audit.record({ type: 'login_failed', userId: null, username: account, ...base });
      }
      return;
    }
    if (status < 200 || status >= 300) return;
    const user = auditSubjects.get(request) ?? request.user ?? (await userNamedByBody(app, request).catch(() => null));
    if (action === 'password_reset' && user) {
      // The owner proved control of the account: its failed logins no longer count.
      await throttle.clearFailures(user.username).catch(() => undefined);
    }
    await audit.record({ type: action, userId: user?.id ?? null, username: user?.username ?? null, ...base });
  }
}

/** A Basic login attempt's account, when the route authenticates with Basic and the header is one. */
export function basicAccount(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^basic\s+(\S+)\s*$/i.exec(header);
  if (!match) return null;
  const text = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? null : normalizeUsername(text.slice(0, colon)).slice(0, 256);
}

export { type ThrottleScope };

/** The user a token (`refresh`, `token`) or a djoser `uid` in the body names, without trusting it beyond a lookup. */
async function userNamedByBody(app: FastifyInstance, request: FastifyRequest): Promise<User | null> {
  const data = requestData(request);
  const body = (data !== null && typeof data === 'object' && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
  if (typeof body.uid === 'string') {
    const id = decodeUid(body.uid);
    return id === null ? null : app.tessera.store.users.findById(id);
  }
  const token = typeof body.refresh === 'string' ? body.refresh : typeof body.token === 'string' ? body.token
    // Cookie mode's refresh and logout may come with no body: the browser sent the token.
    : app.tessera.settings.authCookies !== 'off' ? tokenFromCookie(request, REFRESH_COOKIE_NAME) : null;
  if (!token) return null;
  const payload = token.split('.')[1];
  if (!payload) return null;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const { settings, store } = app.tessera;
  const value = claims[settings.userIdClaim] ?? claims.user_id;
  if (settings.userIdField === 'username' && typeof value === 'string') return store.users.findByUsername(value);
  if (typeof value === 'number' && Number.isInteger(value)) return store.users.findById(value);
  return null;
}
