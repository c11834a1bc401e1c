import { randomInt, timingSafeEqual } from 'node:crypto';
import { PermissionDenied } from '../errors.js';
import type { RequestCredentials } from './authenticator.js';
import { parseCookies } from './cookies.js';

/**
 * Django's CSRF protection (`django.middleware.csrf`, 4.1+), for the session routes and for
 * DRF's `SessionAuthentication.enforce_csrf`: a secret in the `csrftoken` cookie, sent back
 * masked in `X-CSRFToken` (or a form's `csrfmiddlewaretoken`), plus Origin/Referer checks.
 */

export const CSRF_COOKIE_NAME = 'csrftoken';
/** Django's `CSRF_COOKIE_AGE`: a year. */
export const CSRF_COOKIE_AGE = 60 * 60 * 24 * 7 * 52;
const CSRF_HEADER = 'x-csrftoken';
const CSRF_ALLOWED_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const CSRF_SECRET_LENGTH = 32;
const CSRF_TOKEN_LENGTH = 2 * CSRF_SECRET_LENGTH;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** What the check needs beyond headers: the form body and how this server is reached. */
export interface CsrfContext {
  /** `settings.publicUrl`: its scheme says whether requests are secure, its origin is trusted. */
  publicUrl: string;
}

export type CsrfRequest = RequestCredentials;

function randomString(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += CSRF_ALLOWED_CHARS[randomInt(CSRF_ALLOWED_CHARS.length)];
  return out;
}

function maskSecret(secret: string): string {
  const mask = randomString(CSRF_SECRET_LENGTH);
  const n = CSRF_ALLOWED_CHARS.length;
  let cipher = '';
  for (let i = 0; i < secret.length; i++) {
    cipher += CSRF_ALLOWED_CHARS[(CSRF_ALLOWED_CHARS.indexOf(secret[i]!) + CSRF_ALLOWED_CHARS.indexOf(mask[i]!)) % n];
  }
  return mask + cipher;
}

function unmaskToken(token: string): string {
  const mask = token.slice(0, CSRF_SECRET_LENGTH);
  const cipher = token.slice(CSRF_SECRET_LENGTH);
  const n = CSRF_ALLOWED_CHARS.length;
  let secret = '';
  for (let i = 0; i < cipher.length; i++) {
    secret += CSRF_ALLOWED_CHARS[(CSRF_ALLOWED_CHARS.indexOf(cipher[i]!) - CSRF_ALLOWED_CHARS.indexOf(mask[i]!) + n) % n];
  }
  return secret;
}

/** Django's `_sanitize_token`: a masked token, or the reason it is malformed. */
function sanitize(token: string): { token: string } | { reason: string } {
  if (token.length !== CSRF_TOKEN_LENGTH && token.length !== CSRF_SECRET_LENGTH) return { reason: 'has incorrect length' };
  if (/[^a-zA-Z0-9]/.test(token)) return { reason: 'has invalid characters' };
  return { token: token.length === CSRF_SECRET_LENGTH ? maskSecret(token) : token };
}

/** A fresh masked token for a new `csrftoken` cookie (Django's `_get_new_csrf_token`). */
export function newCsrfToken(): string {
  return maskSecret(randomString(CSRF_SECRET_LENGTH));
}

/**
 * The `csrftoken` cookie to (re)send and a masked token for the client's header: the cookie's
 * secret when it has a good one, else a new one (Django's `get_token`).
 */
export function csrfTokenFor(request: RequestCredentials): { cookie: string; token: string } {
  const current = parseCookies(request).get(CSRF_COOKIE_NAME);
  const sane = current === undefined ? null : sanitize(current);
  const cookie = sane && 'token' in sane ? sane.token : newCsrfToken();
  return { cookie, token: maskSecret(unmaskToken(cookie)) };
}

/** Throws DRF's `PermissionDenied("CSRF Failed: <Django's reason>")` when the request fails. */
export function enforceCsrf(request: CsrfRequest, context: CsrfContext): void {
  const reason = csrfFailure(request, context);
  if (reason) throw new PermissionDenied(`CSRF Failed: ${reason}`);
}

/** Django's `CsrfViewMiddleware.process_view`: null when the request passes, else the reason. */
export function csrfFailure(request: CsrfRequest, context: CsrfContext): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const publicUrl = new URL(context.publicUrl);
  const secure = publicUrl.protocol === 'https:';
  const host = header(request, 'host');
  const origin = header(request, 'origin');
  if (origin !== undefined) {
    const good = host !== undefined && origin === `${secure ? 'https' : 'http'}://${host}`;
    if (!good && origin !== publicUrl.origin) return `Origin checking failed - ${origin} does not match any trusted origins.`;
  } else if (secure) {
    const failure = refererFailure(header(request, 'referer'), host, publicUrl);
    if (failure) return failure;
  }
  return tokenFailure(request);
}

function refererFailure(raw: string | undefined, host: string | undefined, publicUrl: URL): string | null {
  if (raw === undefined) return 'Referer checking failed - no Referer.';
  let referer: URL;
  try {
    referer = new URL(raw);
  } catch {
    return 'Referer checking failed - Referer is malformed.';
  }
  if (!referer.host) return 'Referer checking failed - Referer is malformed.';
  if (referer.protocol !== 'https:') return 'Referer checking failed - Referer is insecure while host is secure.';
  if (referer.host === publicUrl.host || (host !== undefined && referer.host === host.toLowerCase())) return null;
  return `Referer checking failed - ${raw} does not match any trusted origins.`;
}

function tokenFailure(request: CsrfRequest): string | null {
  const cookieValue = parseCookies(request).get(CSRF_COOKIE_NAME);
  if (cookieValue === undefined) return 'CSRF cookie not set.';
  const cookie = sanitize(cookieValue);
  if ('reason' in cookie) return `CSRF cookie ${cookie.reason}.`;

  let given = formToken(request);
  let source = 'POST';
  if (given === '') {
    const fromHeader = header(request, CSRF_HEADER);
    if (fromHeader === undefined) return 'CSRF token missing.';
    given = fromHeader;
    // Django names the header as `HttpHeaders.parse_header_name('HTTP_X_CSRFTOKEN')` spells it.
    source = "the 'X-Csrftoken' HTTP header";
  }
  const sane = sanitize(given);
  if ('reason' in sane) return `CSRF token from ${source} ${sane.reason}.`;
  const a = Buffer.from(unmaskToken(sane.token));
  const b = Buffer.from(unmaskToken(cookie.token));
  if (a.length !== b.length || !timingSafeEqual(a, b)) return `CSRF token from ${source} incorrect.`;
  return null;
}

/** A POST form's `csrfmiddlewaretoken`, or '' (Django reads `request.POST` for POST only). */
function formToken(request: CsrfRequest): string {
  if (request.method.toUpperCase() !== 'POST') return '';
  const type = header(request, 'content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return '';
  const body = request.body;
  if (body === null || typeof body !== 'object') return '';
  const value = (body as Record<string, unknown>).csrfmiddlewaretoken;
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return typeof last === 'string' ? last : '';
}

function header(request: RequestCredentials, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
