import type { AuditEventType, User } from '../store/index.js';

/** Whom an audit event is about: a user, or as much of one as the view knows. */
type AuditSubject = Pick<User, 'id' | 'username' | 'email'>;

/**
 * What a view tells the audit log about its request beyond what the adapter sees: whom the event
 * is about (staff acting on an account, a refresh's user) and extra `detail`. Keyed by the request
 * object the view was given, so every adapter's pipeline reads them back the same way.
 */
const subjects = new WeakMap<object, AuditSubject>();
const events = new WeakMap<object, AuditEventType>();
const details = new WeakMap<object, Record<string, unknown>>();

/** Records this request's `config.audit` event as about `user` (the requester stays in `detail` if the view adds it). */
export function setAuditSubject(request: object, user: AuditSubject): void {
  subjects.set(request, user);
}

/** Adds to the `detail` of the event `config.audit` records for this request (never a secret). */
export function addAuditDetail(request: object, detail: Record<string, unknown>): void {
  details.set(request, { ...details.get(request), ...detail });
}

export function auditSubjectOf(request: object): AuditSubject | undefined {
  return subjects.get(request);
}

export function auditDetailOf(request: object): Record<string, unknown> | undefined {
  return details.get(request);
}

/**
 * Records this request as `type` instead of the route's `config.audit` (a password login that
 * answered a second-factor challenge is `two_factor_challenged`, not `login_succeeded`).
 */
export function setAuditEvent(request: object, type: AuditEventType): void {
  events.set(request, type);
}

export function auditEventOf(request: object): AuditEventType | undefined {
  return events.get(request);
}
