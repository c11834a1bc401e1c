/** What the throttle reads of a Fastify request and answer: the account a body names, and which answers are failed logins. */
import type { FastifyRequest } from 'fastify';
import { normalizeUsername } from '../store/index.js';
import { requestData } from './body.js';

/** Failed-login statuses: Simple JWT's 401, DRF's and drf-jwt's 400 `non_field_errors`. */
export const LOGIN_FAILURE_STATUSES: ReadonlySet<number> = new Set([400, 401]);

/**
 * The account a request names: `username` (normalized, so look-alike spellings of one name share
 * its budget), else `email` (lower-cased), from the body; null if none.
 */
export function accountOf(request: FastifyRequest): string | null {
  const data = requestData(request);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  const { username, email } = data as Record<string, unknown>;
  if (typeof username === 'string' && username.trim() !== '') return normalizeUsername(username.trim()).slice(0, 256);
  if (typeof email === 'string' && email.trim() !== '') return email.trim().toLowerCase().slice(0, 256);
  return null;
}
