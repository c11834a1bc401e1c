import axios from 'axios';
import { reactive } from 'vue';
import { attachTessera } from '../../../src/client/axios.js';
import { TesseraClient, webStorage, type LogoutReason } from '../../../src/client/index.js';

/** What the pages show: the current access token (null when signed out) and the last sign-out notice. */
export const session = reactive({ access: null as string | null, notice: '' });

const NOTICES: Record<LogoutReason, string> = {
  logout: 'You signed out.',
  expired: 'Your session expired: please sign in again.',
  reused: 'Your session was ended because its refresh token was used twice (a sign of theft): please sign in again.',
  revoked: 'Your session was ended elsewhere: please sign in again.',
};

/**
 * Where tessera answers: '' (the page's own origin, as `npm run example` serves it), or another
 * origin named by the page (`<meta name="tessera-api">`, which `npm run example:cross-origin`
 * writes) or at build time (`VITE_TESSERA_URL`, for Vite's dev server): the API then has to list
 * this page's origin in `corsAllowedOrigins`.
 */
export const API_URL = document.querySelector<HTMLMetaElement>('meta[name="tessera-api"]')?.content
  ?? (import.meta as { env?: Record<string, string | undefined> }).env?.VITE_TESSERA_URL ?? '';

// localStorage, as seed 003 does: tabs share one session and survive reloads. Any script on this
// origin can read it too; memoryStorage() (the default) is the choice when XSS is the worry.
const STORAGE = webStorage(window.localStorage);

/** The one tessera client of the app: it owns the tokens. */
export const client = new TesseraClient({
  baseUrl: API_URL,
  storage: STORAGE,
  onTokens: (tokens) => {
    session.access = tokens.access;
  },
  onLogout: (reason) => {
    session.access = null;
    session.notice = NOTICES[reason];
  },
});

/** axios for the API: Bearer header, refresh before expiry or on a 401, one retry. */
export const api = axios.create({ baseURL: API_URL });
attachTessera(api, client);

/** Picks up the stored session on load (refreshing it if needed). */
export async function restoreSession(): Promise<void> {
  session.access = await client.accessToken();
}

// Another tab signed in, refreshed or signed out: show the same.
window.addEventListener('storage', (event) => {
  if (event.key === 'tessera.access' || event.key === null) session.access = event.newValue;
});

/** A DRF error answer as one line: `detail`, or each field's first message. */
export function describeError(error: unknown): string {
  const data: unknown = axios.isAxiosError(error) ? error.response?.data : (error as { body?: unknown })?.body;
  if (data && typeof data === 'object') {
    const { detail } = data as { detail?: unknown };
    if (typeof detail === 'string') return detail;
    return Object.entries(data)
      .map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(' ') : String(messages)}`)
      .join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}
