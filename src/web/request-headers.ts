/** A request's headers as the contract reads them: lower-case names, repeated values joined with `, `. */
export type HeaderRecord = Record<string, string | undefined>;

/**
 * `request.headers` as a record that reads each header when it is asked for (`Headers.get`),
 * rather than copying them all up front: a request for a view reads four or five of its headers,
 * and a runtime's `Headers` may be lazy itself (@hono/node-server's looks a name up in Node's
 * parsed headers, while iterating it builds a whole WHATWG `Headers`, sorted and validated).
 * Enumerating the record (a spread, `Object.keys`) still sees every header, copied then.
 * Values assigned to the record (a `Host` taken from the URL) are kept beside the request's.
 */
export function lazyHeaders(headers: Headers): HeaderRecord {
  const assigned: HeaderRecord = Object.create(null) as HeaderRecord;
  let all: HeaderRecord | null = null;
  const every = (): HeaderRecord => {
    if (all) return all;
    all = Object.create(null) as HeaderRecord;
    headers.forEach((value, name) => { all![name] = value; });
    return all;
  };
  const read = (name: string): string | undefined => {
    if (name in assigned) return assigned[name];
    if (all) return all[name];
    // `Headers.get` throws on a name that is not a token; as a record, such a name is absent.
    try {
      return headers.get(name) ?? undefined;
    } catch {
      return undefined;
    }
  };
  return new Proxy(assigned, {
    get: (_target, name) => (typeof name === 'string' ? read(name) : undefined),
    has: (_target, name) => typeof name === 'string' && read(name) !== undefined,
    set: (_target, name, value) => {
      if (typeof name !== 'string') return false;
      assigned[name] = value as string | undefined;
      return true;
    },
    deleteProperty: () => false,
    ownKeys: () => [...new Set([...Object.keys(every()), ...Object.keys(assigned)])],
    getOwnPropertyDescriptor: (_target, name) => {
      if (typeof name !== 'string') return undefined;
      const value = read(name);
      return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
    },
  });
}
