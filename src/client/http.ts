/** What goes over HTTP: the Bearer header, Django's CSRF cookie, and reading answers. */

/** The `csrftoken` cookie in a browser (Django's CSRF_COOKIE_NAME); null elsewhere. */
export function documentCsrfToken(): string | null {
  const cookie = (globalThis as { document?: { cookie?: string } }).document?.cookie ?? '';
  const match = /(?:^|;\s*)csrftoken=([^;]*)/.exec(cookie);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** `init` with `Authorization: Bearer <access>`, or unchanged when there is no token. */
export function withBearer(init: RequestInit, access: string | null): RequestInit {
  if (!access) return init;
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${access}`);
  return { ...init, headers };
}

/** The answer's JSON, its text when not JSON, or undefined when empty. */
export async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The `access` (and `refresh`, if any) of a token answer, or null when it has none. */
export function tokensIn(body: unknown): { access: string; refresh: string | null } | null {
  if (!isRecord(body) || typeof body.access !== 'string') return null;
  return { access: body.access, refresh: typeof body.refresh === 'string' ? body.refresh : null };
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Frees the connection of an answer we will not read. */
export async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already consumed or closed.
  }
}
