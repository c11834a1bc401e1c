import { reactive } from 'vue';
import { announce } from './status.ts';
import { TesseraClient, TesseraHttpError, webStorage, type LogoutReason, type SessionEndReason } from '../../src/client/index.ts';

/** Who is signed in, as the whole console sees it. */
export const auth = reactive({
  ready: false,
  signedIn: false,
  username: '',
  isStaff: false,
  /** A superuser may do what other staff may not (change superusers, grant or remove staff status). */
  isSuperuser: false,
  /** Why the last session ended when the console did not ask (shown on the sign-in page). */
  endedReason: '' as '' | LogoutReason,
  /** Which session policy ended it, when the server said (refresh's `reason`): more precise than `endedReason`. */
  endedBy: '' as '' | SessionEndReason,
  /** Staff whom the staff API refuses until they turn on a second factor (`twoFactorRequiredForStaff`). */
  twoFactorRequired: false,
});

const ENDED: Record<LogoutReason, string> = {
  logout: 'You signed out.',
  expired: 'Your session expired. Sign in again.',
  reused: 'Your session was ended because its refresh token was used twice. Sign in again.',
  revoked: 'Your session was ended. Sign in again.',
};

/** What the server said ended the session, when it said (tessera/client's `SessionEndReason`). */
const ENDED_BY: Record<SessionEndReason, string> = {
  expired: 'Your session reached its time limit. Sign in again.',
  idle: 'You were signed out after a while without activity. Sign in again.',
  evicted: 'You were signed out because you signed in on more devices than your account allows. Sign in again.',
};

/** The sentence for why a session ended: the server's reason when it gave one, else the client's. */
export function endedMessage(reason: LogoutReason | '', endedBy: SessionEndReason | '' = ''): string {
  if (endedBy && Object.hasOwn(ENDED_BY, endedBy)) return ENDED_BY[endedBy];
  return reason ? ENDED[reason] : '';
}

let onSignedOut: (reason: LogoutReason, endedBy: SessionEndReason | '') => void = () => {};

/** Called (by the app shell) whenever the client signs out, asked to or not. */
export function whenSignedOut(handler: (reason: LogoutReason, endedBy: SessionEndReason | '') => void): void {
  onSignedOut = handler;
}

/** tessera/client's storage keys. */
const TOKEN_KEYS = ['tessera.access', 'tessera.refresh'];

/**
 * sessionStorage: a tab keeps its sign-in across reloads; closing it forgets the tokens. A tab
 * with none takes a pair left in localStorage under the client's keys (a Playwright storageState
 * from tessera/testing's `loginAs`), moving it, so one tab alone holds that refresh token.
 */
function tabStorage(): Storage {
  const left = TOKEN_KEYS.map((key) => localStorage.getItem(key));
  if (TOKEN_KEYS.every((key) => sessionStorage.getItem(key) === null) && left.every((value) => value !== null)) {
    TOKEN_KEYS.forEach((key, i) => {
      sessionStorage.setItem(key, left[i]!);
      localStorage.removeItem(key);
    });
  }
  return sessionStorage;
}

export const client = new TesseraClient({
  storage: webStorage(tabStorage()),
  onLogout: (reason, ended) => {
    auth.signedIn = false;
    auth.username = '';
    auth.isStaff = false;
    auth.isSuperuser = false;
    auth.twoFactorRequired = false;
    auth.endedReason = reason;
    auth.endedBy = ended ?? '';
    onSignedOut(reason, ended ?? '');
  },
});

/**
 * Reads who the tokens belong to, whether they are staff (the Staff API answers them only) and,
 * for staff, whether they are a superuser (their own row in the Staff API).
 */
export async function loadIdentity(): Promise<void> {
  try {
    if (!(await client.isSignedIn())) {
      auth.signedIn = false;
      return;
    }
    const me = await client.request<{ id: number; username: string }>('GET', '/auth/users/me/');
    auth.username = me.username;
    auth.signedIn = true;
    auth.endedReason = '';
    auth.endedBy = '';
    // Both are learned before either is shown, so a superuser never sees the staff pages offer less for a moment.
    let isStaff = false;
    let isSuperuser = false;
    let twoFactorRequired = false;
    try {
      await client.request('GET', '/api/admin/');
      isStaff = true;
      // Unknown counts as not a superuser: the console then offers less, never more, than the server allows.
      isSuperuser = (await client.request<{ is_superuser: boolean }>('GET', `/api/admin/users/${me.id}/`)).is_superuser;
    } catch (error) {
      // Not staff (the Staff API refused), or staff whose own row could not be read, or staff
      // without the second factor the server requires of them (the app shell says so).
      twoFactorRequired = error instanceof TesseraHttpError && error.status === 403 && error.code === 'two_factor_required';
    }
    auth.twoFactorRequired = twoFactorRequired;
    auth.isStaff = isStaff;
    auth.isSuperuser = isSuperuser;
  } catch {
    auth.signedIn = false;
  } finally {
    auth.ready = true;
  }
}

/** A short name for this browser, shown in "Your sessions". */
export function deviceName(): string {
  const ua = navigator.userAgent;
  const browser = /Firefox\//.test(ua) ? 'Firefox' : /Edg\//.test(ua) ? 'Edge' : /Chrom(e|ium)\//.test(ua) ? 'Chromium' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Windows/.test(ua) ? 'Windows' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os} (console)` : `${browser} (console)`;
}

/** DRF field errors (`{"field": ["..."]}`) of a failed request, empty when there are none. */
export function fieldErrors(error: unknown): Record<string, string[]> {
  if (!(error instanceof TesseraHttpError) || error.status !== 400) return {};
  const body = error.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (Array.isArray(value)) out[key] = value.map(String);
    else if (typeof value === 'string') out[key] = [value];
  }
  return out;
}

/** One sentence for a failed request: DRF's `detail`, or the non-field errors, or the status. */
export function errorMessage(error: unknown): string {
  if (error instanceof TesseraHttpError) {
    const body = error.body as Record<string, unknown> | null;
    if (body && typeof body === 'object') {
      if (typeof body.detail === 'string') return body.detail;
      if (Array.isArray(body.non_field_errors)) return body.non_field_errors.join(' ');
      if (error.status === 400) return 'Please correct the errors below.';
    }
    return `The server answered ${error.status}.`;
  }
  return error instanceof Error ? `Could not reach the server (${error.message}).` : 'Something went wrong.';
}

/**
 * Announces a failed request, except the 401 of a session that just ended: the sign-in page
 * already says why, and that message must stay.
 */
export function reportError(error: unknown): void {
  if (error instanceof TesseraHttpError && error.status === 401 && !auth.signedIn) return;
  announce(errorMessage(error), 'error');
}

/** A path on this origin for a DRF `next`/`previous` URL (absolute, maybe for another host name). */
export function pathOf(url: string): string {
  const parsed = new URL(url, location.origin);
  return parsed.pathname + parsed.search;
}

/** A DRF page. */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Dates as people read them, in their locale, to the minute; a dash for null. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : DATE_FORMAT.format(date);
}

export { TesseraHttpError };

/**
 * What a sign-in names the account by (the server's `loginField`): `email` when `OPTIONS
 * /api/token/` lists an `email` field for POST, else `username` (also when it cannot be read).
 */
export async function loadLoginField(): Promise<'username' | 'email'> {
  try {
    const metadata = await client.request<{ actions?: { POST?: Record<string, unknown> } }>('OPTIONS', '/api/token/');
    return metadata?.actions?.POST && 'email' in metadata.actions.POST ? 'email' : 'username';
  } catch {
    return 'username';
  }
}
