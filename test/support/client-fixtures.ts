import { memoryStorage, type TokenStorage } from '../../src/client/index.js';

/** The real fetch, counting what goes through it by "METHOD /path/". */
export function countingFetch(): { fetch: typeof fetch; calls: string[]; count(call: string): number } {
  const calls: string[] = [];
  const counted: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
    return fetch(input, init);
  };
  return { fetch: counted, calls, count: (call) => calls.filter((made) => made === call).length };
}

export const REFRESH_CALL = 'POST /api/token/refresh/';

/** A memory storage whose values tests can read. */
export function inspectableStorage(): TokenStorage & { values(): { access: string | null; refresh: string | null } } {
  const storage = memoryStorage();
  return {
    ...storage,
    values: () => ({ access: storage.get('tessera.access') as string | null, refresh: storage.get('tessera.refresh') as string | null }),
  };
}

/** The real fetch with a cookie jar, as a browser keeps cookies for one origin (a request's own Cookie header wins). */
export function browserLikeFetch() {
  const jar = new Map<string, string>();
  const calls: string[] = [];
  /** The headers each call went out with, in order. */
  const sent: Headers[] = [];
  const jarFetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    calls.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    const headers = new Headers(init?.headers);
    if (jar.size > 0 && !headers.has('cookie')) headers.set('cookie', cookieHeader(jar));
    sent.push(headers);
    const response = await fetch(url, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '' || value === '""') jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
  return { fetch: jarFetch, jar, calls, sent };
}

/** A Cookie header carrying every cookie of `jar`. */
export function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}
