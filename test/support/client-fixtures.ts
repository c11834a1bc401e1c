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
